"""Number health: how calling each customer number goes, and whether to keep calling it.

Recomputed from the number's calls after each one (a bounded, indexed read). Its health is read
against the thresholds in settings, so changing them needs no rebuild: ``unreachable`` (no
answered call after ``COLLECTIONS_UNREACHABLE_ATTEMPTS`` calls on ``..._DAYS`` days or more),
``wrong_party`` (its latest answered outcome), else ``ok``.
"""

import zoneinfo
from collections import Counter

from django.conf import settings
from django.db.models import Case, CharField, Count, Max, Min, Q, QuerySet, Value, When

from integrations.models import WebhookEndpoint

from .models import Contact, Group, NumberHealth, Source

Health = NumberHealth.Health


def health_q(health: str) -> Q:
    """The numbers whose health is ``health`` under the current thresholds."""
    unreachable = Q(
        answered=0,
        attempts__gte=settings.COLLECTIONS_UNREACHABLE_ATTEMPTS,
        days_called__gte=settings.COLLECTIONS_UNREACHABLE_DAYS,
    )
    wrong_party = Q(last_answered_outcome=Group.WRONG_PARTY) & ~unreachable
    return {
        Health.UNREACHABLE: unreachable,
        Health.WRONG_PARTY: wrong_party,
        Health.OK: ~unreachable & ~wrong_party,
    }[health]


def with_health(numbers: QuerySet) -> QuerySet:
    whens = [When(health_q(h), then=Value(h)) for h in (Health.UNREACHABLE, Health.WRONG_PARTY)]
    return numbers.annotate(health=Case(*whens, default=Value(Health.OK), output_field=CharField()))


def _zone(endpoint_id: int | None) -> zoneinfo.ZoneInfo:
    name = WebhookEndpoint.objects.filter(pk=endpoint_id).values_list("timezone", flat=True)
    try:
        return zoneinfo.ZoneInfo(name.first() or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def number_health_refresh(*, endpoint_id: int | None, number_key: str) -> NumberHealth | None:
    """Recompute one number's row from its calls (``None`` when it has none)."""
    if not number_key:
        return None
    calls = Contact.objects.filter(
        endpoint_id=endpoint_id, number_key=number_key, source=Source.CALL
    )
    totals = calls.aggregate(
        attempts=Count("id"),
        answered=Count("id", filter=Q(answered=True)),
        right_party_contacts=Count("id", filter=Q(right_party=True)),
        first_called_at=Min("occurred_at"),
        last_called_at=Max("occurred_at"),
    )
    if not totals["attempts"]:
        NumberHealth.objects.filter(endpoint_id=endpoint_id, number_key=number_key).delete()
        return None
    newest = calls.order_by("-occurred_at", "-id")
    last = newest.select_related("call_result").first()
    last_answered = newest.filter(answered=True).values_list("group", flat=True).first()
    zone = _zone(endpoint_id)
    patterns = calls.values_list(
        "occurred_at", "call_result__ring_type", "call_result__hangup_type"
    )
    days, rings, hangups = set(), Counter(), Counter()
    for moment, ring, hangup in patterns:
        days.add(moment.astimezone(zone).date())
        rings[ring or "(none)"] += 1
        hangups[hangup or "(none)"] += 1
    values = {
        **totals,
        "days_called": len(days),
        "customer_number": last.call_result.callee_number if last.call_result else "",
        "last_outcome": last.group,
        "last_intention": last.intention,
        "last_answered_outcome": last_answered or "",
        "ring_types": dict(rings.most_common()),
        "hangup_types": dict(hangups.most_common()),
    }
    health, _ = NumberHealth.objects.update_or_create(
        endpoint_id=endpoint_id, number_key=number_key, defaults=values
    )
    return health
