"""Reads of collections, narrowed to the accounts a user may see (``records.scope``)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from records.scope import visible

from .models import NumberHealth, Promise
from .numbers import with_health
from .promises import due_within_q, status_q, with_status

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


@dataclass(frozen=True)
class PromisesNow:
    """What is promised now, for the dashboard: ``amounts`` under open or due promises by
    currency, and how many are due today, due in the next 7 days, and lapsed."""

    amounts: dict[str, Decimal]
    due_today: int
    due_soon: int
    lapsed: int


def promises_now(user, workflow_ids=(), now: dt.datetime | None = None) -> PromisesNow:
    now = now or timezone.now()
    promises = visible(Promise.objects.all(), user)
    if workflow_ids:
        promises = promises.filter(workflow__workflow_id__in=workflow_ids)
    standing = promises.filter(
        status_q(Promise.Status.OPEN, now) | status_q(Promise.Status.DUE, now)
    )
    amounts = standing.exclude(amount=None).values("currency").annotate(total=Sum("amount"))
    return PromisesNow(
        amounts={row["currency"]: row["total"] for row in amounts.order_by("currency")},
        due_today=promises.filter(status_q(Promise.Status.DUE, now)).count(),
        due_soon=promises.filter(due_within_q(7, now)).count(),
        lapsed=promises.filter(status_q(Promise.Status.LAPSED, now)).count(),
    )


def customer_promises(user, *, number_key: str = "", case_id: str = "", limit: int = 20) -> list:
    """A customer's promises (by number or case id) ``user`` may see, newest first, each with
    its ``status`` now; superseded ones left out (a later promise replaced them)."""
    if not (number_key or case_id):
        return []
    match = Q(pk__in=[])
    if number_key:
        match |= Q(customer_key=number_key)
    if case_id:
        match |= Q(case_id=case_id)
    promises = promises_visible(user).filter(match).exclude(status=Promise.Status.SUPERSEDED)
    return list(promises.order_by("-made_at", "-pk")[:limit])
