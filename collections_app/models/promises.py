"""Promises to pay, and where each account's bodies carry the promised date and amount."""

from django.db import models

from .outcomes import RecordLink


class Promise(RecordLink):
    """A promise to pay made in one call or chat session.

    Its status is not stored but read against the clock in the account's zone
    (``collections_app.promises``); only ``superseded`` is, set when a later promise arrives.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DUE = "due", "Due today"
        LAPSED = "lapsed", "Lapsed"
        SUPERSEDED = "superseded", "Superseded"

    customer_number = models.CharField("customer number", max_length=64, blank=True)
    customer_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    case_id = models.CharField("case id", max_length=128, blank=True, db_index=True)
    made_at = models.DateTimeField("made at")
    promised_date = models.DateField("promised date", null=True, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    amount_is_owing = models.BooleanField(
        "amount owing", default=False, help_text="No amount was promised: this is the amount owing."
    )
    currency = models.CharField(max_length=16, blank=True)
    superseded = models.BooleanField(default=False)

    # The phone keys a customer's number is matched on (``records.phones``).
    PHONE_KEY_FIELDS = ("customer_key",)

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "call_id"], name="promise_once")]
        indexes = [
            models.Index(fields=["-made_at", "-id"], name="promise_newest"),
            models.Index(fields=["workflow", "made_at"], name="promise_workflow_time"),
        ]

    def __str__(self) -> str:
        return f"promise in {self.source} {self.call_id}"


class SlotNames(models.Model):
    """Which slots of an account carry a promised date or amount (defaults in settings)."""

    endpoint = models.OneToOneField(
        "integrations.WebhookEndpoint",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="account",
    )
    date_slots = models.JSONField(default=list, blank=True)
    amount_slots = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "promise slot names"
        verbose_name_plural = "promise slot names"

    def __str__(self) -> str:
        return str(self.endpoint)
