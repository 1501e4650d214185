"""Writes of the webhook inbox: store a delivery, process an event, sweep, purge."""

import hashlib
import json
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import WebhookEndpoint, WebhookEvent, Workflow
from .payloads import Payload, PayloadError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What a POST became: the stored event, whether it was new, and why its body is unusable."""

    event: WebhookEvent
    created: bool
    body_error: str


def webhook_body_parse(body: bytes) -> tuple[dict | None, str]:
    """The body as a JSON object, or ``None`` and a sentence that says what is wrong with it."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"body is not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "body is not usable JSON: nested too deeply"
    if not isinstance(data, dict):
        return None, f"body must be a JSON object, got {type(data).__name__}"
    return data, ""


def _chatbot_dedup_key(payload: dict) -> str:
    # AI Rudder's retries resend the same notification; a later notification of the same
    # conversation carries a newer ``timestamp`` and must be processed, not counted as a retry.
    return f"{payload.get('call_id') or ''}@{payload.get('timestamp') or ''}"


def _call_result_dedup_key(payload: dict) -> str:
    call = payload.get("call") if isinstance(payload.get("call"), dict) else {}
    return f"{call.get('call_id') or ''}@{payload.get('node_id') or ''}"


_DEDUP_KEYS = {
    WebhookEvent.Kind.CHATBOT_SESSION_END: _chatbot_dedup_key,
    WebhookEvent.Kind.CALL_RESULT: _call_result_dedup_key,
}


def webhook_dedup_key(*, kind: str, payload: dict | None, body: bytes) -> str:
    """The key AI Rudder's retries share; the body's digest when the payload has no usable id."""
    key = _DEDUP_KEYS[kind](payload) if payload is not None else ""
    if key.startswith("@") or len(key) > 200:
        return "sha256:" + hashlib.sha256(body).hexdigest()
    return key


def _enqueue(event_id: int) -> None:
    from .tasks import process_event

    try:
        process_event.delay(event_id)
    except Exception:
        # The event is stored; the periodic sweep processes it when the broker is back.
        logger.exception("Could not queue webhook event %s; the sweep will pick it up", event_id)


@transaction.atomic
def webhook_event_receive(
    *,
    endpoint: WebhookEndpoint,
    kind: str,
    body: bytes,
    headers: dict[str, str],
    remote_addr: str | None,
) -> Delivery:
    """Store one delivery before anything else, or count it on the event it repeats.

    The unique constraint on (endpoint, kind, dedup_key) decides what is a repeat, so copies that
    arrive at the same moment still make one event.
    """
    payload, body_error = webhook_body_parse(body)
    dedup_key = webhook_dedup_key(kind=kind, payload=payload, body=body)
    now = timezone.now()
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                endpoint=endpoint,
                kind=kind,
                body=body,
                headers=headers,
                remote_addr=remote_addr,
                received_at=now,
                last_received_at=now,
                dedup_key=dedup_key,
                status=WebhookEvent.Status.FAILED if body_error else WebhookEvent.Status.RECEIVED,
                error=body_error,
            )
    except IntegrityError:
        repeats = WebhookEvent.objects.filter(endpoint=endpoint, kind=kind, dedup_key=dedup_key)
        repeats.update(delivery_count=F("delivery_count") + 1, last_received_at=now)
        # A retry carries the body already stored (up to the size limit): don't read it back.
        return Delivery(event=repeats.defer("body").get(), created=False, body_error=body_error)
    if not body_error:
        transaction.on_commit(partial(_enqueue, event.pk))
    return Delivery(event=event, created=True, body_error=body_error)


class UnknownEventKind(Exception):
    """An event whose kind has no processor: recorded on the event, never dropped."""


def _processor(kind: str):
    from .processors import PROCESSORS

    try:
        return PROCESSORS[kind]
    except KeyError:
        raise UnknownEventKind(f"no processor for event kind {kind!r}") from None


def webhook_event_process(*, event_id: int, force: bool = False) -> WebhookEvent:
    """Turn one stored event into records, in one transaction, and record how that went.

    Without ``force`` only a ``received`` event is processed, so a task that arrives twice, or the
    sweep racing a worker, changes nothing. The row lock serialises them on PostgreSQL.
    """
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().select_related("endpoint").get(pk=event_id)
        if event.status != WebhookEvent.Status.RECEIVED and not force:
            return event
        event.attempts += 1
        try:
            with transaction.atomic():
                payload, body_error = webhook_body_parse(bytes(event.body))
                if body_error:
                    raise PayloadError("body", body_error.removeprefix("body "))
                _processor(event.kind)(payload=payload, event=event)
        except PayloadError as exc:
            _mark_failed(event, error=str(exc))
        except Exception as exc:
            logger.exception("Webhook event %s failed", event.pk)
            _mark_failed(event, error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
        else:
            event.status = WebhookEvent.Status.PROCESSED
            event.processed_at = timezone.now()
            event.error = event.traceback = ""
        event.save(update_fields=["status", "attempts", "error", "traceback", "processed_at"])
    return event


def _mark_failed(event: WebhookEvent, *, error: str, trace: str = "") -> None:
    event.status = WebhookEvent.Status.FAILED
    event.error = error
    event.traceback = trace


def webhook_events_process(*, statuses: list[str], older_than: timedelta | None = None) -> dict:
    """Process every event in ``statuses`` (received ones only when older than ``older_than``).

    Returns how many ended in each status.
    """
    events = WebhookEvent.objects.filter(status__in=statuses)
    if older_than is not None:
        events = events.filter(last_received_at__lt=timezone.now() - older_than)
    counts: dict[str, int] = {}
    for event_id in events.order_by("received_at", "pk").values_list("pk", flat=True).iterator():
        status = webhook_event_process(event_id=event_id, force=True).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def webhook_events_purge(*, older_than: timedelta) -> int:
    """Delete processed events received before ``older_than`` ago; failed ones stay to be seen."""
    cutoff = timezone.now() - older_than
    deleted, _ = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.PROCESSED, received_at__lt=cutoff
    ).delete()
    return deleted


def webhook_endpoint_create(*, name: str, timezone_name: str = "UTC", signing_secret: str = ""):
    endpoint = WebhookEndpoint(name=name, timezone=timezone_name, signing_secret=signing_secret)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def workflow_record(*, payload: Payload, seen_at: datetime) -> Workflow:
    """The payload's workflow, created on first sight; its name follows the latest payload."""
    workflow_id = payload.text_for("workflow_id", Workflow, required=True)
    name = payload.text_for("workflow_name", Workflow, "name")
    workflow, created = Workflow.objects.get_or_create(
        workflow_id=workflow_id,
        defaults={"name": name, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if not created and seen_at >= workflow.last_seen_at:
        workflow.name, workflow.last_seen_at = name or workflow.name, seen_at
        workflow.save(update_fields=["name", "last_seen_at"])
    return workflow
