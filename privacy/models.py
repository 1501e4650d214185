"""The audit log: who saw or did what to customers' data, appended and never changed."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntryQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("the audit log is append-only: its entries are never deleted")

    delete.queryset_only = True


class AuditEntry(models.Model):
    """Who saw or did what to customers' data, when and from where: appended, never changed.

    Written by ``privacy.audit.audit_record``. An entry names its record by content type, id
    and a label that is not personal (a call id); it never holds a phone number or a name.
    """

    class Action(models.TextChoices):
        REVEAL_CONTACT_DETAILS = "reveal_contact_details", "Saw customer details unmasked"
        VIEW_TRANSCRIPT = "view_transcript", "Opened a transcript"
        VIEW_CUSTOMER_HISTORY = "view_customer_history", "Opened a customer history"
        EXPORT_CSV = "export_csv", "Exported CSV"
        ERASE_CUSTOMER = "erase_customer", "Erased a customer's data"
        EXPORT_AUDIT_LOG = "export_audit_log", "Exported the audit log"
        LOGIN_LOCKED_OUT = "login_locked_out", "Locked out after failed logins"
        DISMISS_EVENT = "dismiss_event", "Dismissed a failed webhook event"

    at = models.DateTimeField("when", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    username = models.CharField(
        max_length=150, blank=True, editable=False, help_text="Kept when the user is deleted."
    )
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    label = models.CharField(
        max_length=255, blank=True, editable=False, help_text="Not personal: a call id, a count."
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True, editable=False)
    path = models.CharField(max_length=500, blank=True, editable=False, help_text="No query.")
    details = models.JSONField(default=dict, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        app_label = "integrations"  # its table, migrations and permissions stay where they were
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("erase_customer", "Can erase all data held about a customer")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the audit log is append-only: an entry is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only: an entry is never deleted")
