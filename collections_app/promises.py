"""The promise ledger: one promise per call or session that promised, and its status.

Status is read against the clock in the account's zone, so it moves without a write: ``open``
(no date, or ahead), ``due`` (today), ``lapsed`` (passed); ``superseded`` is stored, set when a
later promise of the same case or number arrives.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils import timezone

from integrations.models import WebhookEndpoint

from .contacts import Classified, occurred_at
from .models import Promise, Source
from .terms import promise_terms

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


def _related(promise: Promise) -> Q:
    match = Q(pk__in=[])
    if promise.case_id:
        match |= Q(case_id=promise.case_id)
    if promise.customer_key:
        match |= Q(customer_key=promise.customer_key)
    return match


def promises_settle(promise: Promise) -> None:
    """Mark superseded each promise of the same case or number that a later one follows."""
    family = Promise.objects.filter(_related(promise), endpoint_id=promise.endpoint_id)
    for member in family.order_by("made_at", "pk"):
        later = Promise.objects.filter(_related(member), endpoint_id=member.endpoint_id).filter(
            Q(made_at__gt=member.made_at) | Q(made_at=member.made_at, pk__gt=member.pk)
        )
        superseded = later.exists()
        if superseded != member.superseded:
            Promise.objects.filter(pk=member.pk).update(superseded=superseded)


def promise_record(record, *, endpoint_id: int | None, classified: Classified) -> Promise | None:
    """The promise of ``record`` written (or removed when it no longer promises)."""
    is_call = classified.source == Source.CALL
    existing = Promise.objects.filter(source=classified.source, call_id=record.call_id).first()
    if not classified.promise:
        if existing is not None:
            existing.delete()
            promises_settle(existing)
        return None
    slots = record.ner_slots if isinstance(record.ner_slots, dict) else {}
    asr_ptp = record.asr_ptp if is_call else ""
    terms = promise_terms(slots=slots, asr_ptp=asr_ptp, endpoint_id=endpoint_id)
    owing = record.total_owing_amount if is_call else None
    variables = {} if is_call or not isinstance(record.variables, dict) else record.variables
    values = {
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
    }
    promise, _ = Promise.objects.update_or_create(
        source=classified.source, call_id=record.call_id, defaults=values
    )
    promises_settle(promise)
    promise.refresh_from_db(fields=["superseded"])
    return promise
