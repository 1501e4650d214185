"""Model fields that calls and chat sessions declare alike, made in one place.

Plain factories returning Django's own fields (not field subclasses), so that the migrations,
which record the fields' arguments, do not change.
"""

from django.db import models


def phone_key_field(help_text: str = "For matching.") -> models.CharField:
    """The ``records.phones.phone_key`` of a number beside it, set when it is recorded."""
    return models.CharField(
        max_length=64, blank=True, db_index=True, editable=False, help_text=help_text
    )


def optional_link(
    to: str, related_name: str = "+", *, on_delete=models.SET_NULL, one: bool = False, **kwargs
) -> models.ForeignKey:
    """A link that may be empty (a missing or deleted row leaves it null)."""
    kind = models.OneToOneField if one else models.ForeignKey
    return kind(to, on_delete=on_delete, null=True, blank=True, related_name=related_name, **kwargs)


def webhook_event_field(related_name: str, **kwargs) -> models.ForeignKey:
    """The webhook delivery a record was last written from; kept when the delivery is purged."""
    return optional_link("integrations.WebhookEvent", related_name, **kwargs)


def account_field(related_name: str = "+", on_delete=models.SET_NULL) -> models.ForeignKey:
    """The endpoint (AI Rudder account) a record was delivered to: who may see it follows it."""
    return optional_link(
        "integrations.WebhookEndpoint", related_name, on_delete=on_delete, verbose_name="account"
    )


def record_indexes(prefix: str, time_field: str, fallback: str, longest: tuple[str, str]) -> list:
    """A record's indexes: by workflow and time (the dashboard), longest first (``longest``: the
    field and the index's name), the admin list's order (``time_field`` newest first) and the
    API's sort time (the record's time, or ``fallback`` when AI Rudder left it out)."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    return [
        models.Index(fields=["workflow", time_field]),
        models.Index(fields=[f"-{longest[0]}", "-id"], name=longest[1]),
        models.Index(fields=[f"-{time_field}", "-id"], name=f"{prefix}_newest"),
        models.Index(
            Coalesce(time_field, fallback).desc(), F("id").desc(), name=f"{prefix}_sort_at"
        ),
    ]
