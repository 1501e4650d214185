"""Number health: how calling each customer number goes, and whether to keep calling it.

Recomputed from the numbers' calls after each batch (one bounded, indexed read for all). Its
health is read against the thresholds in settings, so changing them needs no rebuild:
``unreachable`` (no answered call after ``COLLECTIONS_UNREACHABLE_ATTEMPTS`` calls on
``..._DAYS`` days or more), ``wrong_party`` (its latest answered outcome), else ``ok``.
"""

import zoneinfo
from collections import Counter

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When

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


def _zones(endpoint_ids) -> dict:
    names = dict(WebhookEndpoint.objects.filter(pk__in=endpoint_ids).values_list("pk", "timezone"))
    zones = {}
    for endpoint_id in endpoint_ids:
        try:
            zones[endpoint_id] = zoneinfo.ZoneInfo(names.get(endpoint_id) or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zones[endpoint_id] = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return zones


_CALL_COLUMNS = (
    "endpoint_id",
    "number_key",
    "id",
    "occurred_at",
    "answered",
    "right_party",
    "group",
    "intention",
    "call_result__callee_number",
    "call_result__ring_type",
    "call_result__hangup_type",
)


_HEALTH_FIELDS = [
    "attempts",
    "answered",
    "right_party_contacts",
    "first_called_at",
    "last_called_at",
    "days_called",
    "customer_number",
    "last_outcome",
    "last_intention",
    "last_answered_outcome",
    "ring_types",
    "hangup_types",
]


def _health(calls: list[tuple], zone: zoneinfo.ZoneInfo) -> dict:
    """One number's row from its calls (``_CALL_COLUMNS``, at least one)."""
    newest = max(calls, key=lambda c: (c[3], c[2]))
    answered = [c for c in calls if c[4]]
    last_answered = max(answered, key=lambda c: (c[3], c[2])) if answered else None
    rings = Counter(c[9] or "(none)" for c in calls)
    hangups = Counter(c[10] or "(none)" for c in calls)
    return {
        "attempts": len(calls),
        "answered": len(answered),
        "right_party_contacts": sum(1 for c in calls if c[5]),
        "first_called_at": min(c[3] for c in calls),
        "last_called_at": newest[3],
        "days_called": len({c[3].astimezone(zone).date() for c in calls}),
        "customer_number": newest[8] or "",
        "last_outcome": newest[6],
        "last_intention": newest[7],
        "last_answered_outcome": last_answered[6] if last_answered else "",
        "ring_types": dict(rings.most_common()),
        "hangup_types": dict(hangups.most_common()),
    }


def numbers_health_refresh(numbers: set[tuple[int | None, str]]) -> int:
    """Recompute the rows of ``numbers`` ((account, number key) pairs) from their calls, in one
    read and one upsert; a number left with no call loses its row. Returns how many rows."""
    numbers = {(endpoint_id, key) for endpoint_id, key in numbers if key}
    if not numbers:
        return 0
    where = Q(pk__in=[])
    for endpoint_id in {endpoint_id for endpoint_id, _ in numbers}:
        keys = sorted(key for account, key in numbers if account == endpoint_id)
        where |= Q(endpoint_id=endpoint_id, number_key__in=keys)
    calls: dict[tuple, list] = {}
    for row in Contact.objects.filter(where, source=Source.CALL).values_list(*_CALL_COLUMNS):
        if (row[0], row[1]) in numbers:
            calls.setdefault((row[0], row[1]), []).append(row)
    zones = _zones({endpoint_id for endpoint_id, _ in calls})
    rows = [
        NumberHealth(endpoint_id=endpoint_id, number_key=key, **_health(found, zones[endpoint_id]))
        for (endpoint_id, key), found in sorted(calls.items(), key=lambda item: str(item[0]))
    ]
    # NULL never conflicts in a unique constraint: a number of no account is upserted alone.
    for row in [row for row in rows if row.endpoint_id is None]:
        values = {name: getattr(row, name) for name in _HEALTH_FIELDS}
        NumberHealth.objects.update_or_create(
            endpoint_id=None, number_key=row.number_key, defaults=values
        )
    NumberHealth.objects.bulk_create(
        [row for row in rows if row.endpoint_id is not None],
        update_conflicts=True,
        unique_fields=["endpoint", "number_key"],
        update_fields=_HEALTH_FIELDS,
    )
    for endpoint_id, key in numbers - set(calls):
        NumberHealth.objects.filter(endpoint_id=endpoint_id, number_key=key).delete()
    return len(rows)


def number_health_refresh(*, endpoint_id: int | None, number_key: str) -> NumberHealth | None:
    """Recompute one number's row from its calls (``None`` when it has none)."""
    if not numbers_health_refresh({(endpoint_id, number_key)}):
        return None
    return NumberHealth.objects.get(endpoint_id=endpoint_id, number_key=number_key)
