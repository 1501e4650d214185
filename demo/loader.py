"""Delivering the demo bodies to an endpoint through the webhook's own services, once, and
moving them forward so that the last days always have data.

Generation is deterministic (see ``demo.account``): the same ids every time, only the times follow
``now``, which is what lets a later run tell a body it delivered before from a new one.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from calls_app.kinds import CALL_RESULT
from integrations.batches import webhook_events_drain
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import (
    webhook_body_parse,
    webhook_dedup_key,
    webhook_event_receive,
)
from sessions_app.kinds import CHATBOT_SESSION_END

from .calls import demo_call_payloads
from .chats import demo_chat_payloads

DEMO_USER_AGENT = "airudder-inbox demo (manage.py load_demo)"
# Bodies delivered (or moved) per transaction, and events processed per batch: the disk syncs
# once per batch rather than several times per body.
BATCH = 50


@dataclass
class DemoReport:
    """What ``demo_load`` did: bodies delivered per kind, bodies already there, failed events."""

    delivered: Counter = field(default_factory=Counter)
    already_loaded: int = 0
    failed: list[str] = field(default_factory=list)


def _batches(items: Iterable) -> Iterator[list]:
    """``items`` in lists of ``BATCH``, each inside a transaction while it is worked through."""
    items = iter(items)
    while batch := list(islice(items, BATCH)):
        with transaction.atomic():
            yield batch


def demo_events(endpoint: WebhookEndpoint):
    """The demo's deliveries to ``endpoint``: they alone carry the demo's User-Agent."""
    return WebhookEvent.objects.filter(
        endpoint=endpoint, **{"headers__User-Agent": DEMO_USER_AGENT}
    )


def _match_key(kind: str, payload: dict | None) -> str:
    """What names a demo body whatever its times: a chat's call id, a call's node push."""
    if not isinstance(payload, dict):
        return ""
    if kind == CHATBOT_SESSION_END.slug:
        return str(payload.get("call_id") or "")
    return webhook_dedup_key(kind=kind, payload=payload, body=b"")


def demo_move_forward(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> int:
    """Move the demo's times forward by the whole days since it was loaded; returns the days.

    The first delivery's arrival remembers when that was (it moves too). Each body is generated
    again for the later moment, stored in place and processed again, in batches as a worker
    would: same events, same records, no delivery counted twice; a demo a week old shows the
    last week again.
    """
    events = demo_events(endpoint)
    loaded_at = events.aggregate(first=Min("received_at"))["first"]
    days = ((now or timezone.now()) - loaded_at).days if loaded_at else 0
    if days < 1:
        return 0
    shift = timedelta(days=days)
    bodies = {
        (kind, _match_key(kind, payload)): payload
        for kind, payload in demo_payloads(endpoint=endpoint, now=loaded_at + shift)
    }
    events.update(
        received_at=F("received_at") + shift, last_received_at=F("last_received_at") + shift
    )
    ordered = list(events.order_by("received_at", "pk").only("pk", "kind", "body"))
    for batch in _batches(ordered):
        moved = []
        for event in batch:
            old, _ = webhook_body_parse(bytes(event.body))
            new = bodies.get((event.kind, _match_key(event.kind, old)))
            if new is None or new == old:  # AI Rudder's examples: their times are their own
                continue
            event.body = json.dumps(new, ensure_ascii=False).encode()
            event.dedup_key = webhook_dedup_key(kind=event.kind, payload=new, body=event.body)
            event.status = WebhookEvent.Status.RECEIVED
            moved.append(event)
        WebhookEvent.objects.bulk_update(moved, ["body", "dedup_key", "status"])
    webhook_events_drain(limit=BATCH)
    return days


def _delivered(endpoint: WebhookEndpoint) -> set[tuple[str, str]]:
    """What names each body the endpoint holds (``_delivered_as``), read once for a run."""
    events = WebhookEvent.objects.filter(endpoint=endpoint).values_list("kind", "dedup_key")
    return {_delivered_as(kind, dedup_key) for kind, dedup_key in events}


def _delivered_as(kind: str, dedup_key: str) -> tuple[str, str]:
    if kind == CHATBOT_SESSION_END.slug:
        # The generated conversations' notification times follow ``now``, so a later run makes a
        # different key for the same conversation: the call id alone says it is there already.
        return kind, dedup_key.rsplit("@", 1)[0]
    return kind, dedup_key


def demo_payloads(
    *, endpoint: WebhookEndpoint, now: datetime | None = None
) -> list[tuple[str, dict]]:
    """Every demo body in delivery order, with the kind of webhook it is posted to."""
    now = now or timezone.now()
    chats = demo_chat_payloads(now=now, tz=endpoint.tzinfo)
    calls = demo_call_payloads(now=now, tz=endpoint.tzinfo)
    return [(CHATBOT_SESSION_END.slug, p) for p in chats] + [(CALL_RESULT.slug, p) for p in calls]


def demo_load(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> DemoReport:
    """Deliver the demo bodies to ``endpoint`` through the webhook's own service, once.

    A body delivered before (by an earlier run, or the example sent with curl) is skipped, not
    delivered again: a repeat would count as one of AI Rudder's retries. The events are then
    processed in this process, in batches as a worker claims them, even when a broker is
    configured, so that the demo needs no worker.
    """
    report = DemoReport()
    stored: list[int] = []
    delivered = _delivered(endpoint)
    for batch in _batches(demo_payloads(endpoint=endpoint, now=now)):
        for kind, payload in batch:
            if (event_id := _deliver(endpoint, kind, payload, report, delivered)) is not None:
                stored.append(event_id)
    webhook_events_drain(limit=BATCH)
    unprocessed = WebhookEvent.objects.filter(pk__in=stored).exclude(
        status=WebhookEvent.Status.PROCESSED
    )
    for event_id, error in unprocessed.order_by("pk").values_list("pk", "error"):
        report.failed.append(f"event {event_id}: {error}")
    return report


def _deliver(
    endpoint: WebhookEndpoint, kind: str, payload: dict, report: DemoReport, delivered: set
) -> int | None:
    """Store one body (not queued for a worker) unless ``delivered`` names it; its event's id,
    or ``None`` if it was there."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    dedup_key = webhook_dedup_key(kind=kind, payload=payload, body=body)
    if (name := _delivered_as(kind, dedup_key)) in delivered:
        report.already_loaded += 1
        return None
    delivered.add(name)
    delivery = webhook_event_receive(
        endpoint=endpoint,
        kind=kind,
        body=body,
        headers={"Content-Type": "application/json", "User-Agent": DEMO_USER_AGENT},
        remote_addr="127.0.0.1",
        enqueue=False,
    )
    report.delivered[kind] += 1
    return delivery.event.pk
