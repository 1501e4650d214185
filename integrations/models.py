import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from integrations import kinds
from privacy.models import AuditEntry
from records.models import Workflow
from staff.zones import validate_zone, zone_field

__all__ = [
    "AlertIncident",
    "AuditEntry",
    "PayloadDrift",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookRejection",
    "WebhookRejectionTotal",
    "Workflow",
]


def generate_token() -> str:
    """32 random bytes, URL-safe: the credential that AI Rudder's data push is sent with."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


validate_timezone = validate_zone  # named so by the first migration


def default_phone_country() -> str:
    """``AIRUDDER_DEFAULT_PHONE_REGION``: the country of a new endpoint's local numbers."""
    return settings.AIRUDDER_DEFAULT_PHONE_REGION


def validate_phone_country(value: str) -> None:
    import phonenumbers

    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(f"{value!r} is not an ISO 3166 alpha-2 country code (e.g. ID, PH).")


class WebhookEndpoint(models.Model):
    """One URL given to AI Rudder, for one AI Rudder account.

    Requests are matched on ``token_sha256``, not ``token``: an index lookup on the digest leaks
    nothing usable through timing, where a lookup on the token itself could.
    """

    name = models.CharField(max_length=100, unique=True)
    token = models.CharField(max_length=64, unique=True, default=generate_token, editable=False)
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    timezone = zone_field(
        "The AI Rudder account's time zone (IANA name, e.g. Asia/Jakarta). "
        "Call results carry naive local times, which are read in this zone.",
        default="UTC",
    )
    default_country = models.CharField(
        max_length=2,
        default=default_phone_country,
        validators=[validate_phone_country],
        help_text="The account's country (ISO 3166 alpha-2, e.g. ID): the customers' numbers "
        "written without a country code (0811…) are read as numbers of this country.",
    )
    signing_secret = models.CharField(
        max_length=255,
        blank=True,
        help_text="If set, chatbot notifications must carry a matching X-AIRudder-Sign header. "
        "If empty, the URL's token alone authenticates deliveries.",
    )
    previous_signing_secret = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="The secret before the last rotation, accepted until it expires, so that "
        "deliveries signed before AI Rudder's side is changed are not refused.",
    )
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.token_sha256 = token_digest(self.token)
        super().save(*args, **kwargs)

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets a signature may be made with now: the current one, and the previous one
        until it expires."""
        now = now or timezone.now()
        secrets_ = [self.signing_secret] if self.signing_secret else []
        expires = self.previous_secret_expires_at
        if self.previous_signing_secret and expires and now < expires:
            secrets_.append(self.previous_signing_secret)
        return secrets_

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def webhook_urls(self, base_url: str | None = None) -> dict[str, str]:
        """Full URLs to paste into AI Rudder, one per kind of notification."""
        base = (base_url or settings.AIRUDDER_PUBLIC_BASE_URL).rstrip("/")
        return {
            kind.slug: base + reverse(kind.url_name, kwargs={"token": self.token})
            for kind in kinds.all_kinds()
        }


class WebhookEvent(models.Model):
    """Every authenticated delivery, stored as received before anything else happens."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        # A failure that can never succeed, set aside by someone (with a reason, audited): out
        # of the failure counts and alerts; processing it again is still possible.
        DISMISSED = "dismissed", "Dismissed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=kinds.choices)
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_received_at = models.DateTimeField(default=timezone.now)
    delivery_count = models.PositiveIntegerField(default=1)
    dedup_key = models.CharField(
        max_length=255,
        help_text="What makes two deliveries the same notification: AI Rudder's retries share it.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True, help_text="Why the failure was dismissed.")
    dismissed_at = models.DateTimeField(null=True, blank=True)
    replay_changes = models.JSONField(
        default=list,
        blank=True,
        help_text="What the last 'process again' changed in the records: [label, before, after].",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        # "Process again" is not "change": an event's stored body is never edited.
        permissions = [("process_webhookevent", "Can process webhook events again")]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "kind", "dedup_key"], name="webhook_event_unique_delivery"
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk} ({self.status})"

    @property
    def kind_label(self) -> str:
        try:
            return kinds.get(self.kind).label
        except kinds.UnknownEventKind:
            return self.kind

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")


class RejectionReason(models.TextChoices):
    UNKNOWN_TOKEN = "unknown_token", "Unknown token"
    INACTIVE_ENDPOINT = "inactive_endpoint", "Inactive endpoint"
    BAD_SIGNATURE = "bad_signature", "Bad signature"


class WebhookRejection(models.Model):
    """One refused delivery, so an old URL still posted to, or probing, is seen; never a body.

    Kept bounded: the newest ``AIRUDDER_REJECTIONS_KEEP`` rows, for at most
    ``AIRUDDER_RETENTION_REJECTIONS_DAYS``; the counts live on in ``WebhookRejectionTotal``.
    """

    Reason = RejectionReason

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(max_length=32, choices=RejectionReason.choices)
    kind = models.CharField(max_length=32)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reason} from {self.remote_addr} at {self.received_at}"


class WebhookRejectionTotal(models.Model):
    """Refused deliveries counted per reason since the start: what ``/metrics`` reports, so the
    counter never goes back when old ``WebhookRejection`` rows are deleted."""

    reason = models.CharField(max_length=32, choices=RejectionReason.choices, unique=True)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.reason}: {self.count}"


class AlertIncident(models.Model):
    """One alert from the moment it fires until it clears: one message each way, not one a
    minute. At most one incident per ``key`` is open (``resolved_at`` empty) at a time."""

    key = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(resolved_at__isnull=True),
                name="alert_incident_one_open_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({'resolved' if self.resolved_at else 'open'})"


class PayloadDrift(models.Model):
    """A field (or an enum value) AI Rudder sent that the kind's declaration does not know.

    ``path`` is dotted, with ``[]`` for list items (``messages[].content.reaction``), or
    ``path=value`` for a value outside a known set (``session_end_reason=timeout``). The example
    never holds customer text: strings are kept as their length only.
    """

    kind = models.CharField(max_length=32)
    path = models.CharField(max_length=255)
    json_type = models.CharField(max_length=16)
    example = models.CharField(max_length=80, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=1)
    last_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "kind", "path"]
        verbose_name_plural = "payload drift"
        constraints = [
            models.UniqueConstraint(fields=["kind", "path"], name="payload_drift_unique_path"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}"
