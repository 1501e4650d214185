from django.conf import settings
from django.db import models

from .zones import validate_zone, zone_field  # noqa: F401 - validate_zone: the migration names it here


class StaffSettings(models.Model):
    """One user's settings; a user without a row, or an empty zone, reads the site's zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_settings"
    )
    time_zone = zone_field(
        "Times on every page, list, export and API answer are shown in this zone; "
        "empty: the site's (DJANGO_TIME_ZONE).",
        blank=True,
    )
    endpoints = models.ManyToManyField(
        "integrations.WebhookEndpoint",
        blank=True,
        related_name="+",
        verbose_name="accounts",
        help_text="The AI Rudder accounts whose records, events and numbers this user sees; "
        "none: every account (superusers always see every account).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "staff settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.time_zone or 'site time zone'}"
