"""The promise ledger: one promise per call or session that promised, and its status.

Status is read against the clock in the account's zone, so it moves without a write: ``open``
(no date, or ahead), ``due`` (today), ``lapsed`` (passed); ``superseded`` is stored, set when a
later promise of the same case or number arrives.
"""

import datetime as dt
import zoneinfo
from functools import cache

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone

from integrations.models import WebhookEndpoint

from .contacts import Classified, occurred_at, per_record_upsert
from .models import Promise, Source
from .terms import promise_terms, slot_names

Status = Promise.Status


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _todays(now: dt.datetime) -> list[tuple[Q, dt.date]]:
    """(which promises, their today) per time zone of the accounts: a handful of rows."""
    zones = set(WebhookEndpoint.objects.values_list("timezone", flat=True))
    days = []
    for name in sorted(zones | {settings.TIME_ZONE}):
        where = Q(endpoint__timezone=name)
        if name == settings.TIME_ZONE:
            where |= Q(endpoint__isnull=True)
        days.append((where, now.astimezone(_zone(name)).date()))
    return days


def status_q(status: str, now: dt.datetime | None = None) -> Q:
    """The promises whose status is ``status`` at ``now``."""
    if status == Status.SUPERSEDED:
        return Q(superseded=True)
    lookup = {Status.OPEN: "gt", Status.DUE: "exact", Status.LAPSED: "lt"}[status]
    dated = Q(pk__in=[])
    for where, today in _todays(now or timezone.now()):
        dated |= where & Q(**{f"promised_date__{lookup}": today})
    if status == Status.OPEN:
        dated |= Q(promised_date__isnull=True)
    return Q(superseded=False) & dated


def due_within_q(days: int, now: dt.datetime | None = None) -> Q:
    """Open promises whose date falls in the ``days`` after today, today read in each account's
    zone (at 18:00 UTC it is already tomorrow in Jakarta)."""
    soon = Q(pk__in=[])
    for where, today in _todays(now or timezone.now()):
        soon |= where & Q(promised_date__gt=today, promised_date__lte=today + dt.timedelta(days))
    return Q(superseded=False) & soon


def with_status(promises: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """``promises`` each annotated with its ``status`` at ``now``."""
    now = now or timezone.now()
    whens = [When(status_q(s, now), then=Value(s)) for s in Status.values]
    return promises.annotate(
        status=Case(*whens, default=Value(Status.OPEN), output_field=CharField())
    )


def _families(rows) -> set[tuple]:
    """The (account, "case" or "key", value) families promises belong to."""
    families = set()
    for endpoint_id, case_id, customer_key in rows:
        if case_id:
            families.add((endpoint_id, "case", case_id))
        if customer_key:
            families.add((endpoint_id, "key", customer_key))
    return families


def _families_of(row: dict) -> set[tuple]:
    return _families([(row["endpoint_id"], row["case_id"], row["customer_key"])])


def _members(families: set[tuple]) -> list[dict]:
    where = Q(pk__in=[])
    for endpoint_id, family, value in families:
        field = "case_id" if family == "case" else "customer_key"
        where |= Q(endpoint_id=endpoint_id, **{field: value})
    columns = ("id", "endpoint_id", "case_id", "customer_key", "made_at", "superseded")
    return list(Promise.objects.filter(where).values(*columns))


def promises_settle(families: set[tuple]) -> None:
    """Mark superseded each promise of ``families`` that a later one (by time, then id) of its
    case or number follows, and not the others: two reads and at most two updates."""
    if not families:
        return
    members = _members(families)
    # A member's other family (its case, when reached by its number) may hold its successor.
    wider = set().union(*map(_families_of, members))
    latest: dict[tuple, tuple] = {}
    for row in _members(wider) if wider - families else members:
        for family in _families_of(row):
            latest[family] = max(latest.get(family, ()), (row["made_at"], row["id"]))
    flips = {True: [], False: []}
    for row in members:
        moment = (row["made_at"], row["id"])
        superseded = any(latest[family] > moment for family in _families_of(row))
        if superseded != row["superseded"]:
            flips[superseded].append(row["id"])
    for superseded, ids in flips.items():
        if ids:
            Promise.objects.filter(pk__in=sorted(ids)).update(superseded=superseded)


def _values(record, endpoint_id: int | None, classified: Classified, slots_of) -> dict:
    is_call = classified.source == Source.CALL
    slots = record.ner_slots if isinstance(record.ner_slots, dict) else {}
    asr_ptp = record.asr_ptp if is_call else ""
    terms = promise_terms(slots=slots, asr_ptp=asr_ptp, names=slots_of(endpoint_id))
    owing = record.total_owing_amount if is_call else None
    variables = {} if is_call or not isinstance(record.variables, dict) else record.variables
    return {
        "source": classified.source,
        "call_id": record.call_id,
        "call_result": record if is_call else None,
        "chat_session": None if is_call else record,
        "endpoint_id": endpoint_id,
        "workflow_id": record.workflow_id,
        "customer_number": (record.callee_number or record.contact_number)
        if is_call
        else record.callee,
        "customer_key": (record.callee_number_key or record.contact_number_key)
        if is_call
        else record.callee_key,
        "case_id": record.case_id if is_call else str(variables.get("case_id") or "")[:128],
        "made_at": occurred_at(record),
        "promised_date": terms.date,
        "amount": terms.amount if terms.amount is not None else owing,
        "amount_is_owing": terms.amount is None and owing is not None,
        "currency": record.currency_unit if is_call else str(variables.get("currency") or "")[:16],
        "superseded": False,
    }


def promises_record(classified: list[tuple]) -> None:
    """The promises of ``classified`` ((record, account, ``Classified``) of one source) written,
    or removed when a record no longer promises; then their cases and numbers settled."""
    if not classified:
        return
    source = classified[0][2].source
    ids = [record.call_id for record, _, _ in classified]
    existing = Promise.objects.filter(source=source, call_id__in=ids)
    existing = list(existing.values_list("call_id", "endpoint_id", "case_id", "customer_key"))
    promising = {record.call_id for record, _, c in classified if c.promise}
    gone = [row for row in existing if row[0] not in promising]
    if gone:
        Promise.objects.filter(source=source, call_id__in=sorted(r[0] for r in gone)).delete()
    slots_of = cache(slot_names)
    rows = {
        record.call_id: Promise(**_values(record, endpoint_id, c, slots_of))
        for record, endpoint_id, c in classified
        if c.promise
    }
    per_record_upsert(Promise, list(rows.values()))
    families = _families([row[1:] for row in gone])
    families |= _families((r.endpoint_id, r.case_id, r.customer_key) for r in rows.values())
    promises_settle(families)
