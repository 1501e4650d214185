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


def _health(calls: list, zone: zoneinfo.ZoneInfo) -> dict:
    """One number's row from its calls (rows of ``_CALL_COLUMNS``, at least one)."""

    def newest(rows):
        return max(rows, key=lambda c: (c.occurred_at, c.id))

    last = newest(calls)
    answered = [c for c in calls if c.answered]
    rings = Counter(c.call_result__ring_type or "(none)" for c in calls)
    hangups = Counter(c.call_result__hangup_type or "(none)" for c in calls)
    return {
        "attempts": len(calls),
        "answered": len(answered),
        "right_party_contacts": sum(1 for c in calls if c.right_party),
        "first_called_at": min(c.occurred_at for c in calls),
        "last_called_at": last.occurred_at,
        "days_called": len({c.occurred_at.astimezone(zone).date() for c in calls}),
        "customer_number": last.call_result__callee_number or "",
        "last_outcome": last.group,
        "last_intention": last.intention,
        "last_answered_outcome": newest(answered).group if answered else "",
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
    contacts = Contact.objects.filter(where, source=Source.CALL)
    for row in contacts.values_list(*_CALL_COLUMNS, named=True):
        calls.setdefault((row.endpoint_id, row.number_key), []).append(row)
    zones = _zones({endpoint_id for endpoint_id, _ in calls})
    rows = [
        NumberHealth(endpoint_id=endpoint_id, number_key=key, **_health(rows, zones[endpoint_id]))
        for (endpoint_id, key), rows in sorted(calls.items(), key=lambda item: str(item[0]))
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
