"""Writes of the webhook inbox: store a delivery, process an event, sweep, purge."""

import functools
import hashlib
import json
import logging
import math
import re
import secrets
import traceback
import zoneinfo
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from integrations import kinds
from integrations.dispatch import dispatch
from integrations.kinds import InboundEvent, UnknownEventKind
from integrations.models import (
    WebhookEndpoint,
    WebhookEvent,
    WebhookRejection,
    WebhookRejectionTotal,
)
from integrations.signals import events_processed
from records.payloads import PayloadError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What a POST became: the stored event, whether it was new, and why its body is unusable."""

    event: WebhookEvent
    created: bool
    body_error: str


class _Unusable:
    """A number JSON's grammar allows (or Python's parser accepts) that no field can hold: left
    in its place while parsing, so that the error can name the path where it stands."""

    __slots__ = ("problem",)

    def __init__(self, problem: str):
        self.problem = problem


# Longer integers are refused: Python's own limit (4300 digits) would raise an error naming no
# position, and no column holds more than 20 digits anyway.
MAX_INTEGER_DIGITS = 100
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}", re.ASCII)


def _parse_int(text: str) -> int | _Unusable:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        return _Unusable(
            f"an integer of {digits} digits is too large (at most {MAX_INTEGER_DIGITS})"
        )
    return int(text)


def _parse_float(text: str) -> float | _Unusable:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 30 else f"{text[:25]}…"
        return _Unusable(f"{shown} is too large for a float")
    return value


def _parse_constant(name: str) -> _Unusable:
    return _Unusable(f"{name} is not a JSON number")


def _child_path(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    shown = repr(key) if len(key) <= 60 else f"{key[:57]!r}…"
    return f"{path}[{shown}]"


def _first_unusable(data) -> tuple[str, str] | None:
    """The path and problem of the first unusable number in document order (iterative: a
    deeply nested body does not exhaust the stack), or ``None``."""
    pending = [("", data)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, _Unusable):
            return path, item.problem
        if isinstance(item, dict):
            children = list(item.items())
        elif isinstance(item, list):
            children = list(enumerate(item))
        else:
            continue
        pending.extend((_child_path(path, key), child) for key, child in reversed(children))
    return None


def webhook_body_parse(body: bytes) -> tuple[dict | None, str]:
    """The body as a JSON object, or ``None`` and a sentence that says what is wrong with it.

    Besides invalid JSON, numbers that cannot be kept are refused, naming the path where they
    stand (``call.talk_time: NaN is not a JSON number``): ``NaN`` and ``Infinity``, floats that
    overflow to infinity, and integers longer than ``MAX_INTEGER_DIGITS`` digits.
    """
    unusable: list[_Unusable] = []

    def kept(value):
        if isinstance(value, _Unusable):
            unusable.append(value)
        return value

    try:
        data = json.loads(
            body.decode("utf-8"),
            parse_int=lambda text: kept(_parse_int(text)),
            parse_float=lambda text: kept(_parse_float(text)),
            parse_constant=lambda name: kept(_parse_constant(name)),
        )
    except UnicodeDecodeError as exc:
        return None, f"body is not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "body is not usable JSON: nested too deeply"
    if unusable:
        found = _first_unusable(data) if isinstance(data, dict) else None
        if found is None:  # the body itself, in a list, or hidden by a repeated key
            return None, f"body is not usable JSON: {unusable[0].problem}"
        return None, f"{found[0]}: {found[1]}"
    if not isinstance(data, dict):
        return None, f"body must be a JSON object, got {type(data).__name__}"
    return data, ""


def _storable(key: object) -> bool:
    return isinstance(key, str) and 0 < len(key) <= 200 and not _UNSTORABLE.search(key)


# A NUL is refused by PostgreSQL in any text; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def webhook_dedup_key(*, kind: str, payload: dict | None, body: bytes) -> str:
    """The key AI Rudder's retries share; the body's digest when the payload has no usable id.

    This never raises: the delivery is stored before anything else, whatever its payload holds.
    A key that could not be stored (too long, a NUL, a lone surrogate) gives way to the digest.
    """
    try:
        key = kinds.get(kind).dedup_key(payload) if payload is not None else ""
    except Exception:
        logger.exception("The dedup key of a %s delivery could not be read", kind)
        key = ""
    if not _storable(key):
        return "sha256:" + hashlib.sha256(body).hexdigest()
    return key


@functools.cache
def _upsert_statement(vendor: str) -> tuple[list, str]:
    """The columns and SQL of ``_upsert_event``, built once per process (and database kind)."""
    fields = [f for f in WebhookEvent._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(WebhookEvent._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    count, last = quote("delivery_count"), quote("last_received_at")
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608
        f"ON CONFLICT ({quote('endpoint_id')}, {quote('kind')}, {quote('dedup_key')}) "
        f"DO UPDATE SET {count} = {table}.{count} + 1, {last} = EXCLUDED.{last} "
        f"RETURNING {quote('id')}, {count}"
    )
    return fields, sql


def _postgresql_timeouts() -> str:
    """``SET LOCAL`` of the webhook path's lock and statement timeouts (ms, 0 is off).

    A blocked table then fails the delivery in seconds (503, AI Rudder retries) instead of
    holding the client and every web thread; other work on the database keeps no timeout.
    """
    lock = int(settings.AIRUDDER_WEBHOOK_LOCK_TIMEOUT_MS)
    statement = int(settings.AIRUDDER_WEBHOOK_STATEMENT_TIMEOUT_MS)
    return f"SET LOCAL lock_timeout = {lock}; SET LOCAL statement_timeout = {statement}; "


def _execute_with_timeouts(cursor, sql: str, params: list) -> None:
    """``sql`` under the webhook timeouts, in the same round trip on PostgreSQL.

    Sent as one string, the statements run in one implicit transaction, which ``SET LOCAL``
    lasts for; server-side binding cannot send several statements, so it gets a transaction.
    """
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    if connection.settings_dict["OPTIONS"].get("server_side_binding"):
        cursor.execute(_postgresql_timeouts())
        cursor.execute(sql, params)
        return
    cursor.execute(_postgresql_timeouts() + sql, params)
    while cursor.description is None and cursor.nextset():
        pass  # past the results of the SETs, to the RETURNING row


def _upsert_event(values: dict) -> tuple[int, int]:
    """Store a delivery or count it on the event it repeats, in one statement.

    ``INSERT … ON CONFLICT (endpoint, kind, dedup_key) DO UPDATE … RETURNING``: one round trip
    in autocommit, no transaction, no savepoint, and the unique constraint still decides what
    is a repeat (copies at the same moment make one event). PostgreSQL and SQLite (3.35+) both
    speak it. Returns the event's id and its delivery count (1 for a new event).
    """
    fields, sql = _upsert_statement(connection.vendor)
    row = {f.attname: f.get_default() for f in fields} | values
    params = [f.get_db_prep_save(row[f.attname], connection) for f in fields]
    server_side = connection.settings_dict["OPTIONS"].get("server_side_binding")
    with transaction.atomic() if server_side else nullcontext(), connection.cursor() as cursor:
        _execute_with_timeouts(cursor, sql, params)
        event_id, delivery_count = cursor.fetchone()
    return event_id, delivery_count


def webhook_event_receive(
    *,
    endpoint: WebhookEndpoint,
    kind: str,
    body: bytes,
    headers: dict[str, str],
    remote_addr: str | None,
    enqueue: bool = True,
) -> Delivery:
    """Store one delivery before anything else, or count it on the event it repeats.

    A new event is queued for a worker once committed (at once, in autocommit), unless
    ``enqueue`` is off (the caller processes it itself).
    """
    payload, body_error = webhook_body_parse(body)
    dedup_key = webhook_dedup_key(kind=kind, payload=payload, body=body)
    now = timezone.now()
    values = {
        "endpoint_id": endpoint.pk,
        "kind": kind,
        "body": body,
        "headers": headers,
        "remote_addr": remote_addr,
        "received_at": now,
        "last_received_at": now,
        "delivery_count": 1,
        "dedup_key": dedup_key,
        "status": WebhookEvent.Status.FAILED if body_error else WebhookEvent.Status.RECEIVED,
        "error": body_error,
    }
    event_id, delivery_count = _upsert_event(values)
    if delivery_count > 1:
        # A retry carries the body already stored (up to the size limit): don't read it back.
        event = WebhookEvent.objects.defer("body").get(pk=event_id)
        return Delivery(event=event, created=False, body_error=body_error)
    event = WebhookEvent(pk=event_id, **values)
    event._state.adding = False
    if enqueue and not body_error:
        transaction.on_commit(partial(dispatch, event.pk))
    return Delivery(event=event, created=True, body_error=body_error)


# Every this many rejections, the rows older than the newest AIRUDDER_REJECTIONS_KEEP go.
REJECTIONS_TRIM_EVERY = 1000


def _count_rejection(reason: str) -> None:
    if WebhookRejectionTotal.objects.filter(reason=reason).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            WebhookRejectionTotal.objects.create(reason=reason, count=1)
    except IntegrityError:  # created by another delivery at the same moment
        WebhookRejectionTotal.objects.filter(reason=reason).update(count=F("count") + 1)


def webhook_rejection_record(
    *, reason: str, kind: str, remote_addr: str | None, endpoint_id: int | None = None
) -> WebhookRejection:
    """Keep one refused delivery (when, from where, which endpoint if known; never its body)
    and count it, under the webhook timeouts; the table keeps its newest rows only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_postgresql_timeouts())
        rejection = WebhookRejection.objects.create(
            reason=reason, kind=kind, remote_addr=remote_addr, endpoint_id=endpoint_id
        )
        _count_rejection(reason)
    if rejection.pk % REJECTIONS_TRIM_EVERY == 0:
        keep = settings.AIRUDDER_REJECTIONS_KEEP
        WebhookRejection.objects.filter(pk__lte=rejection.pk - keep).delete()
    return rejection


class AccountTimeZoneError(ValueError):
    """The endpoint's time zone cannot be used, so no local time of the account can be read.

    The payload is not at fault: once the endpoint is corrected the event is processed again.
    """


def _account_zone(endpoint: WebhookEndpoint) -> zoneinfo.ZoneInfo:
    try:
        return endpoint.tzinfo
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise AccountTimeZoneError(
            f"endpoint {endpoint.name!r} has time zone {endpoint.timezone!r}, which is not an "
            "IANA time zone: correct it, then process the event again"
        ) from exc


class BodyError(PayloadError):
    """An unusable body, worded as when it was received (``body is not…``, never ``body: is
    not…``), so that a replay's failure groups with the receipt's on the inbox health page."""

    def __init__(self, message: str):
        super().__init__("body", message)
        self.args = (message,)


def webhook_event_payload(event: WebhookEvent) -> dict:
    """The event's body as an object, read once per processing; ``BodyError`` if it is not."""
    payload, body_error = webhook_body_parse(bytes(event.body))
    if body_error:
        raise BodyError(body_error)
    return payload


def _inbound(event: WebhookEvent, payload: dict) -> InboundEvent:
    return InboundEvent(
        event_id=event.pk,
        payload=payload,
        received_at=event.received_at,
        tz=_account_zone(event.endpoint),
        phone_region=event.endpoint.default_country,
        endpoint_id=event.endpoint_id,
    )


def webhook_event_process(
    *, event_id: int, force: bool = False, payload: dict | None = None
) -> WebhookEvent:
    """Turn one stored event into records, in one transaction, and record how that went.

    Without ``force`` only a ``received`` event is processed, so a task that arrives twice, or the
    sweep racing a worker, changes nothing. The row lock serialises them on PostgreSQL; it is the
    event's row alone (``of``), not its endpoint's too, so other events of the endpoint go ahead.
    ``payload``: the body already parsed by the caller (a replay), so it is not read again.
    """
    with transaction.atomic():
        events = WebhookEvent.objects.select_for_update(of=("self",)).select_related("endpoint")
        event = events.get(pk=event_id)
        if event.status != WebhookEvent.Status.RECEIVED and not force:
            return event
        event.attempts += 1
        try:
            if payload is None:
                payload = webhook_event_payload(event)
            with transaction.atomic():
                kinds.get(event.kind).process(_inbound(event, payload))
        except (PayloadError, AccountTimeZoneError, UnknownEventKind) as exc:
            _mark_failed(event, error=str(exc))
        except SoftTimeLimitExceeded:
            # Not the event's fault: the whole transaction rolls back, the event stays
            # "received", and the task is retried (or the sweep picks it up).
            raise
        except Exception as exc:
            logger.exception("Webhook event %s failed", event.pk)
            _mark_failed(event, error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
        else:
            event.status = WebhookEvent.Status.PROCESSED
            event.processed_at = timezone.now()
            event.error = event.traceback = ""
        event.save(update_fields=["status", "attempts", "error", "traceback", "processed_at"])
    if event.status == WebhookEvent.Status.PROCESSED:
        events_processed.send(WebhookEvent, kind=event.kind, events=[(event.pk, payload)])
    return event


def _mark_failed(event: WebhookEvent, *, error: str, trace: str = "") -> None:
    event.status = WebhookEvent.Status.FAILED
    event.error = error
    event.traceback = trace


def webhook_events_process(*, statuses: list[str], older_than: timedelta | None = None) -> dict:
    """Process every event in ``statuses`` (received ones only when older than ``older_than``).

    Returns how many ended in each status. An event listed as ``received`` is processed only if it
    still is once locked: a worker that processed it in the meantime wins, and it is not run
    twice. Processed and failed events are processed again on purpose (a replay after a fix).
    """
    events = WebhookEvent.objects.filter(status__in=statuses)
    if older_than is not None:
        events = events.filter(last_received_at__lt=timezone.now() - older_than)
    counts: dict[str, int] = {}
    listed = events.order_by("received_at", "pk").values_list("pk", "status").iterator()
    for event_id, listed_status in listed:
        force = listed_status != WebhookEvent.Status.RECEIVED
        status = webhook_event_process(event_id=event_id, force=force).status
        counts[status] = counts.get(status, 0) + 1
    return counts


def webhook_events_purge(*, older_than: timedelta) -> int:
    """Delete processed events received before ``older_than`` ago; failed ones stay to be seen."""
    cutoff = timezone.now() - older_than
    deleted, _ = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.PROCESSED, received_at__lt=cutoff
    ).delete()
    return deleted


def webhook_events_dismiss(*, event_ids: list[int], reason: str) -> list[WebhookEvent]:
    """Set failed events aside with ``reason``: out of the failure counts and alerts.

    Only events still failed are dismissed (one processed meanwhile is not); returns them, for
    the caller to audit. Processing one again later is still possible.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("a dismissal needs a reason")
    with transaction.atomic():
        events = list(
            WebhookEvent.objects.select_for_update(of=("self",))
            .filter(pk__in=event_ids, status=WebhookEvent.Status.FAILED)
            .order_by("pk")
        )
        now = timezone.now()
        for event in events:
            event.status = WebhookEvent.Status.DISMISSED
            event.dismiss_reason, event.dismissed_at = reason, now
        WebhookEvent.objects.bulk_update(events, ["status", "dismiss_reason", "dismissed_at"])
    return events


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, new_secret: str = "", overlap: timedelta = timedelta(hours=24)
) -> str:
    """Give ``endpoint`` a new signing secret; the current one stays valid for ``overlap``.

    Rotation without downtime: deliveries signed with the old secret are accepted until AI
    Rudder's side has the new one (or the overlap ends). Returns the new secret (generated when
    none is given).
    """
    new_secret = new_secret or secrets.token_urlsafe(32)
    if endpoint.signing_secret:
        endpoint.previous_signing_secret = endpoint.signing_secret
        endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.signing_secret = new_secret
    endpoint.save(
        update_fields=["signing_secret", "previous_signing_secret", "previous_secret_expires_at"]
    )
    return new_secret


def webhook_endpoint_create(*, name: str, timezone_name: str = "UTC", signing_secret: str = ""):
    endpoint = WebhookEndpoint(name=name, timezone=timezone_name, signing_secret=signing_secret)
    endpoint.full_clean()
    endpoint.save()
    return endpoint
