"""The health of each customer number: is it worth calling again?"""

from django.db import models

from records.fields import account_field

from .outcomes import Group


class NumberHealth(models.Model):
    """How calling one customer number goes, recomputed from its calls after each one."""

    class Health(models.TextChoices):
        OK = "ok", "OK"
        WRONG_PARTY = "wrong_party", "Wrong party"
        UNREACHABLE = "unreachable", "Unreachable"

    endpoint = account_field(on_delete=models.CASCADE)
    number_key = models.CharField(max_length=64, editable=False)
    customer_number = models.CharField("customer number", max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    right_party_contacts = models.PositiveIntegerField("right-party contacts", default=0)
    first_called_at = models.DateTimeField(null=True, blank=True)
    last_called_at = models.DateTimeField("last called", null=True, blank=True)
    days_called = models.PositiveIntegerField(
        default=0, help_text="Days (in the account's zone) with at least one call."
    )
    last_outcome = models.CharField(max_length=32, choices=Group.choices, blank=True)
    last_intention = models.CharField(max_length=128, blank=True)
    last_answered_outcome = models.CharField(max_length=32, choices=Group.choices, blank=True)
    ring_types = models.JSONField(default=dict, blank=True, help_text="Calls by ring type.")
    hangup_types = models.JSONField(default=dict, blank=True, help_text="Calls by hang-up type.")

    # The phone keys a customer's number is matched on (``records.phones``).
    PHONE_KEY_FIELDS = ("number_key",)

    class Meta:
        verbose_name = "number health"
        verbose_name_plural = "number health"
        ordering = ["-last_called_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "number_key"], name="number_health_once")
        ]
        indexes = [
            models.Index(fields=["-last_called_at", "-id"], name="number_newest"),
            models.Index(fields=["answered", "attempts"], name="number_unanswered"),
            models.Index(fields=["last_answered_outcome"], name="number_last_answered"),
        ]

    def __str__(self) -> str:
        return self.number_key
