"""Reads of collections, narrowed to the accounts a user may see (``records.scope``)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from records.scope import visible

from .models import NumberHealth, Promise
from .numbers import with_health
from .promises import status_q, with_status

DUE_TODAY_LIMIT = 500


def promises_visible(user, now: dt.datetime | None = None) -> QuerySet:
    """Every promise ``user`` may see, each with its ``status`` at ``now``."""
    promises = Promise.objects.select_related("workflow", "endpoint")
    return visible(with_status(promises, now), user)


def promises_due_today(user, now: dt.datetime | None = None) -> list[Promise]:
    """The promises due today in each account's zone, largest amount first (bounded)."""
    now = now or timezone.now()
    due = promises_visible(user, now).filter(status_q(Promise.Status.DUE, now))
    return list(due.order_by("-amount", "-made_at", "-id")[:DUE_TODAY_LIMIT])


def numbers_visible(user) -> QuerySet:
    """Every number's health ``user`` may see, each with its ``health`` now."""
    return visible(with_health(NumberHealth.objects.select_related("endpoint")), user)
