"""Processing stored events in batches: claimed many at a time, recorded in one transaction.

A worker claims up to ``limit`` ``received`` events of one kind (``FOR UPDATE SKIP LOCKED``, so
workers never wait for one another nor take the same event) and records them with the kind's
``process_many``: multi-row statements, no savepoint per event. One kind per transaction, so a
batch takes row locks in the order one event does (workflows, then the kind's records).

Same guarantees as ``services.webhook_event_process``: an event is processed once (claimed only
while ``received``, locked until the commit); an unreadable one fails alone, naming its field;
notifications of one call or session are applied in the order received; a worker that dies
rolls back and leaves its events ``received``. A database error in the bulk write rolls the
batch back and processes its events one by one, so one bad row never fails the others.
"""

import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from integrations import kinds
from integrations.kinds import EventKind
from integrations.models import WebhookEvent
from integrations.services import (
    AccountTimeZoneError,
    _inbound,
    webhook_event_payload,
    webhook_event_process,
    webhook_events_process,
)
from integrations.signals import events_processed
from records.payloads import PayloadError

logger = logging.getLogger(__name__)


@dataclass
class Batch:
    """What one claim became: how many events were claimed and how each one ended."""

    claimed: int = 0
    counts: Counter = field(default_factory=Counter)


def webhook_events_claim(
    *, kind: str, limit: int, older_than: timedelta | None = None
) -> list[WebhookEvent]:
    """Lock up to ``limit`` received events of ``kind``, oldest first, skipping locked ones.

    Call it inside a transaction: the locks last until it ends. SQLite has one writer and no
    ``FOR UPDATE``: there, the select is a plain one.
    """
    events = WebhookEvent.objects.select_for_update(of=("self",), skip_locked=True)
    events = events.select_related("endpoint").filter(
        status=WebhookEvent.Status.RECEIVED, kind=kind
    )
    if older_than is not None:
        events = events.filter(last_received_at__lt=timezone.now() - older_than)
    return list(events.order_by("received_at", "pk")[:limit])


def webhook_events_process_batch(
    *, kind: str, limit: int, older_than: timedelta | None = None
) -> Batch:
    """Claim and record one batch of ``kind``; the processed events' signal once committed."""
    declared = kinds.get(kind)
    claimed: list[int] = []
    done: list[tuple[WebhookEvent, dict]] = []
    try:
        with transaction.atomic():
            events = webhook_events_claim(kind=kind, limit=limit, older_than=older_than)
            claimed = [event.pk for event in events]
            done = _record(declared, events) if events else []
    except SoftTimeLimitExceeded:
        raise  # rolled back: the events stay received, for the task's retry or the sweep
    except Exception:
        if not claimed:
            raise
        logger.exception("A batch of %s %s events is processed one by one", len(claimed), kind)
        return _one_by_one(claimed)
    batch = Batch(claimed=len(claimed))
    batch.counts[WebhookEvent.Status.PROCESSED] += len(done)
    batch.counts[WebhookEvent.Status.FAILED] += len(claimed) - len(done)
    batch.counts = +batch.counts  # no zeros
    if done:
        events_processed.send(WebhookEvent, kind=kind, events=[(e.pk, p) for e, p in done])
    return batch


def _one_by_one(event_ids: list[int]) -> Batch:
    batch = Batch(claimed=len(event_ids))
    for event_id in event_ids:
        batch.counts[webhook_event_process(event_id=event_id).status] += 1
    return batch


def _record(declared: EventKind, events: list[WebhookEvent]) -> list[tuple[WebhookEvent, dict]]:
    """Record ``events`` and their statuses; returns the processed ones with their payloads."""
    failed: dict[int, tuple[str, str]] = {}
    inbounds, payloads = [], {}
    for event in events:
        try:
            payloads[event.pk] = webhook_event_payload(event)
            inbounds.append(_inbound(event, payloads[event.pk]))
        except (PayloadError, AccountTimeZoneError) as exc:
            failed[event.pk] = (str(exc), "")
    if not inbounds:
        pass
    elif declared.process_many is not None:
        for event_id, exc in declared.process_many(inbounds).items():
            failed[event_id] = (str(exc), "")
    else:
        failed |= _process_each(declared, inbounds)
    now = timezone.now()
    ok = [event for event in events if event.pk not in failed]
    WebhookEvent.objects.filter(pk__in=[event.pk for event in ok]).update(
        status=WebhookEvent.Status.PROCESSED,
        attempts=F("attempts") + 1,
        processed_at=now,
        error="",
        traceback="",
    )
    bad = [event for event in events if event.pk in failed]
    for event in bad:
        event.attempts += 1
        event.status = WebhookEvent.Status.FAILED
        event.error, event.traceback = failed[event.pk]
    WebhookEvent.objects.bulk_update(bad, ["status", "attempts", "error", "traceback"])
    return [(event, payloads[event.pk]) for event in ok]


def _process_each(declared: EventKind, inbounds: list) -> dict[int, tuple[str, str]]:
    """A kind without ``process_many``: each event in a savepoint, as ``webhook_event_process``."""
    failed = {}
    for inbound in inbounds:
        try:
            with transaction.atomic():
                declared.process(inbound)
        except PayloadError as exc:
            failed[inbound.event_id] = (str(exc), "")
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:
            logger.exception("Webhook event %s failed", inbound.event_id)
            failed[inbound.event_id] = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return failed


def webhook_events_drain(
    *, limit: int, older_than: timedelta | None = None, seconds: float | None = None
) -> tuple[dict, bool]:
    """Batches of every kind until none is full (nothing more waits) or ``seconds`` have passed.

    Returns how many events ended in each status, and whether some may still be waiting.
    """
    counts: Counter = Counter()
    started = time.monotonic()
    while True:
        full = False
        for declared in kinds.all_kinds():
            batch = webhook_events_process_batch(
                kind=declared.slug, limit=limit, older_than=older_than
            )
            counts.update(batch.counts)
            full |= batch.claimed >= limit
        if not full:
            return dict(counts), False
        if seconds is not None and time.monotonic() - started > seconds:
            return dict(counts), True


def webhook_events_sweep(*, limit: int, older_than: timedelta) -> dict:
    """The sweep: stale received events in batches, then one by one whatever is left.

    Left are events of a kind no app declares (they fail, naming it) and events another worker
    holds (waited for, then counted as they ended, as the one-by-one sweep always did).
    """
    counts, _ = webhook_events_drain(limit=limit, older_than=older_than)
    rest = webhook_events_process(statuses=[WebhookEvent.Status.RECEIVED], older_than=older_than)
    return dict(Counter(counts) + Counter(rest))
