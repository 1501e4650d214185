"""The outcome vocabulary of each account, and each call or session classified by it."""

from django.db import models
from django.utils import timezone

from records.choices import worded_choices
from records.fields import account_field, optional_link
from records.reading import OUTCOME_GROUPS

# The outcome groups, each labelled with its key in words ("promise_to_pay": "Promise to pay").
Group = worded_choices("Group", " ".join(OUTCOME_GROUPS))


# The groups whose outcome means the debtor was reached (with an answered call or a reply).
RIGHT_PARTY_GROUPS = frozenset(
    {Group.PROMISE_TO_PAY, Group.CLAIMS_PAID, Group.REFUSED, Group.DISPUTE, Group.CALLBACK}
)


class Source(models.TextChoices):
    CALL = "call", "Call"
    SESSION = "session", "Chat session"


class Outcome(models.Model):
    """What an intention code (or an event label) means for one account.

    Seeded from what AI Rudder sends (the first description seen is the label, later ones are
    kept as ``variants``); people correct it in the admin or with ``manage.py label_intention``.
    """

    class Kind(models.TextChoices):
        CALLS = "calls", "Call intention"
        SESSIONS = "sessions", "Chat intention"
        LABELS = "labels", "Event label"

    endpoint = models.ForeignKey(
        "integrations.WebhookEndpoint",
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name="account",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.CharField(
        max_length=128, help_text="The intention as sent, or an event label's folded key."
    )
    label = models.CharField(max_length=255, blank=True)
    group = models.CharField(max_length=32, choices=Group.choices, default=Group.OTHER)
    right_party = models.BooleanField(
        default=False, help_text="An event label that says the debtor was reached."
    )
    variants = models.JSONField(
        default=list, blank=True, help_text="Other descriptions or spellings seen since."
    )
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["endpoint", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "kind", "code"], name="outcome_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}" if self.label else self.code


class RecordLink(models.Model):
    """The call or chat session a row of collections is about, its account and workflow."""

    source = models.CharField(max_length=8, choices=Source.choices)
    call_id = models.CharField("call id", max_length=128)
    # ``call.collections_contact``, ``…_promise``: what the dashboard's collections numbers count.
    call_result = optional_link(
        "calls_app.CallResult", "collections_%(class)s", on_delete=models.CASCADE, one=True
    )
    chat_session = optional_link(
        "sessions_app.ChatSession", "collections_%(class)s", on_delete=models.CASCADE, one=True
    )
    endpoint = account_field()
    workflow = models.ForeignKey(
        "integrations.Workflow", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class Contact(RecordLink):
    """One call or chat session as collections reads it: reached, by whom, with what outcome."""

    number_key = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False, help_text="A call picked up, a chat replied to.")
    intention = models.CharField(max_length=128, blank=True)
    labels = models.JSONField(default=list, blank=True, help_text="Folded event label keys.")
    group = models.CharField(max_length=32, choices=Group.choices, default=Group.OTHER)
    right_party = models.BooleanField(default=False)
    promise = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "call_id"], name="contact_once")]
        indexes = [
            # Comparing workflows counts a workflow's contacts of a period (of the accounts a
            # user may see) from the index alone.
            models.Index(
                fields=[
                    "workflow",
                    "occurred_at",
                    "endpoint",
                    "answered",
                    "right_party",
                    "promise",
                ],
                name="contact_workflow_counts",
            ),
            models.Index(fields=["endpoint", "number_key", "source"], name="contact_number"),
            models.Index(fields=["endpoint", "source", "intention"], name="contact_intention"),
        ]
        # Comparing workflows reads contacts (and promises) of every workflow.
        permissions = [("compare_workflows", "Can compare workflows")]

    def __str__(self) -> str:
        return self.call_id
