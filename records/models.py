"""The workflow, the one record both domains point to (calls and chat sessions by workflow)."""

from django.db import models
from django.utils import timezone


class Workflow(models.Model):
    """An AI Rudder workflow; chat sessions and calls both point here to be filtered by it."""

    workflow_id = models.CharField(max_length=128, unique=True)
    name = models.CharField(max_length=255, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "integrations"  # its table, migrations and permissions stay the inbox's
        ordering = ["name", "workflow_id"]
        # Permissions about the records of every workflow (calls and chat sessions alike); they
        # live here because integrations is the one app that both domain apps build on.
        permissions = [
            ("view_contact_details", "Can see customers' phone numbers and names unmasked"),
            ("export_csv", "Can export calls, chat sessions and dashboard tables as CSV"),
        ]

    def __str__(self) -> str:
        return self.name or self.workflow_id
