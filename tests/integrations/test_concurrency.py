"""Deliveries and processing that overlap in time, as AI Rudder's retries and workers make them.

Only PostgreSQL runs these (the ``postgresql`` fixture: skipped elsewhere, a failure in CI's
services run): SQLite lets one writer at a time into the whole database, so nothing overlaps there
and the constraints and row locks that decide these races are never exercised.

Each race starts where the lock matters (the event, session or call already stored) and widens
its window on purpose: a hook sleeps inside the critical section, after the row is read and
before anything is written, so that without the lock both threads read the same state and
interleave their writes. Each test names what it relies on; removing that makes it fail.
"""

import copy
import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult, NodePush, TranscriptTurn
from integrations import kinds
from integrations.models import WebhookEvent
from integrations.services import webhook_dedup_key, webhook_event_process
from integrations.tasks import process_event, process_stale_events
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
CALL = CALL_RESULT.slug
# Long enough that the other thread reaches the same point while the first one sleeps in it.
WINDOW = 0.5
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql")]


def run_concurrently(*jobs):
    """Run each job in its own thread, released together by a barrier; return their results.

    Each thread has its own database connection, closed when it ends, as a server's would be.
    """
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported by the test below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert not errors, errors
    return results


@pytest.fixture
def slow_processing(replace_processor):
    """The kind's processor sleeps first, inside ``webhook_event_process``'s transaction (after
    the event was read and its status checked); returns the list of event ids it was called
    for, so a test sees how many times the event was really processed."""

    def _slow(slug: str) -> list[int]:
        declared = kinds.get(slug).process
        calls: list[int] = []

        def process(inbound):
            calls.append(inbound.event_id)
            time.sleep(WINDOW)
            return declared(inbound)

        replace_processor(slug, process)
        return calls

    return _slow


@pytest.fixture
def sleep_after_reading(monkeypatch):
    """``model``'s ``get_or_create`` sleeps once it has read (or created) the row, for as long as
    ``delay(defaults)`` says: the gap between a service's read and its writes, widened."""

    def _sleep(model, delay) -> None:
        original = QuerySet.get_or_create

        def get_or_create(self, defaults=None, **kwargs):
            found = original(self, defaults=defaults, **kwargs)
            if self.model is model:
                time.sleep(delay(defaults or {}))
            return found

        monkeypatch.setattr(QuerySet, "get_or_create", get_or_create)

    return _sleep


def _stored(endpoint, kind: str, payload: dict, *, received_at=None) -> WebhookEvent:
    body = json.dumps(payload).encode()
    received_at = received_at or timezone.now()
    return WebhookEvent.objects.create(
        endpoint=endpoint,
        kind=kind,
        body=body,
        dedup_key=webhook_dedup_key(kind=kind, payload=payload, body=body),
        received_at=received_at,
        last_received_at=received_at,
    )


def _post_all(endpoint, kind: str, payload: dict, times: int) -> list:
    url = reverse(kinds.get(kind).url_name, kwargs={"token": endpoint.token})
    body = json.dumps(payload)

    def post():
        response = Client().post(
            url, data=body, content_type="application/json", HTTP_X_AIRUDDER_SIGN=""
        )
        return response.status_code, response.json()

    return run_concurrently(*[post] * times)


# (a) Relies on the unique constraint on (endpoint, kind, dedup_key).
def test_example_delivered_by_eight_at_once_is_one_event_and_one_session(endpoint, chat_payload):
    answers = _post_all(endpoint, CHAT, chat_payload, 8)

    assert answers == [(200, {})] * 8
    event = WebhookEvent.objects.get()
    assert event.delivery_count == 8
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1
    session = ChatSession.objects.get()
    assert session.messages.count() == 16


# (b) Relies on webhook_event_process's row lock (select_for_update) on the event.
def test_a_task_delivered_twice_at_once_processes_the_event_once(
    endpoint, chat_payload, slow_processing
):
    event = _stored(endpoint, CHAT, chat_payload)
    calls = slow_processing(CHAT)

    statuses = run_concurrently(
        lambda: process_event(event.pk), lambda: webhook_event_process(event_id=event.pk).status
    )

    assert statuses == [WebhookEvent.Status.PROCESSED] * 2
    assert calls == [event.pk]
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert ChatSession.objects.get().messages.count() == 16


# (g) Relies on the same row lock: the sweep lists the event as received, a worker takes it too.
def test_the_sweep_racing_a_worker_processes_the_event_once(
    endpoint, chat_payload, slow_processing, settings
):
    stale = timezone.now() - settings.AIRUDDER_STALE_EVENT_AFTER - timedelta(minutes=1)
    event = _stored(endpoint, CHAT, chat_payload, received_at=stale)
    calls = slow_processing(CHAT)

    swept, status = run_concurrently(process_stale_events, lambda: process_event(event.pk))

    assert swept == {WebhookEvent.Status.PROCESSED: 1}
    assert status == WebhookEvent.Status.PROCESSED
    assert calls == [event.pk]
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)


# The event's lock is the event's alone: locking its endpoint too (``FOR UPDATE`` covers every
# table ``select_related`` joins) would make all of an endpoint's events wait for one another.
def test_two_events_of_one_endpoint_are_processed_side_by_side(
    endpoint, chat_payload, replace_processor
):
    second = copy.deepcopy(chat_payload)
    second["call_id"] = "another conversation"
    events = [_stored(endpoint, CHAT, payload) for payload in [chat_payload, second]]
    declared = kinds.get(CHAT).process
    spans: list[tuple[float, float]] = []

    def process(inbound):
        started = time.monotonic()
        time.sleep(WINDOW)
        declared(inbound)
        spans.append((started, time.monotonic()))

    replace_processor(CHAT, process)

    run_concurrently(*[lambda pk=event.pk: webhook_event_process(event_id=pk) for event in events])

    (_, first_end), (second_start, _) = sorted(spans)
    assert second_start < first_end, "the second event waited for the first one's transaction"
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


def _chat(chat_payload: dict, *, call_id: str, later_by: int, intention: str, messages: int):
    payload = copy.deepcopy(chat_payload)
    payload.update(call_id=call_id, intention=intention, timestamp=payload["timestamp"] + later_by)
    payload["messages"] = payload["messages"][:messages]
    return payload


# (f) Relies on chat_session_record's row lock (select_for_update) on the session.
@pytest.mark.parametrize("newer_first", [True, False])
def test_newer_and_older_notification_processed_at_once_end_with_the_newer(
    endpoint, chat_payload, sleep_after_reading, newer_first
):
    call_id = f"race-{newer_first}"
    original = _chat(chat_payload, call_id=call_id, later_by=0, intention="A", messages=16)
    # The workflow was last seen later (another conversation), so neither notification updates
    # its row: that update's lock would serialise them and hide a missing lock on the session.
    elsewhere = _chat(chat_payload, call_id="elsewhere", later_by=120, intention="A", messages=1)
    for payload in [original, elsewhere]:
        event = _stored(endpoint, CHAT, payload)
        assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.PROCESSED
    older = _chat(chat_payload, call_id=call_id, later_by=30, intention="B", messages=5)
    newer = _chat(chat_payload, call_id=call_id, later_by=60, intention="F", messages=3)
    events = [_stored(endpoint, CHAT, newer), _stored(endpoint, CHAT, older)]
    if not newer_first:
        events.reverse()
    # Both read the session as the first notification left it; the older one writes last.
    older_at = datetime.fromtimestamp(older["timestamp"], tz=UTC)
    sleep_after_reading(
        ChatSession, lambda d: 3 * WINDOW if d["notified_at"] == older_at else WINDOW
    )

    statuses = run_concurrently(
        *[lambda pk=event.pk: webhook_event_process(event_id=pk).status for event in events]
    )

    assert statuses == [WebhookEvent.Status.PROCESSED] * 2
    session = ChatSession.objects.get(call_id=call_id)
    assert session.intention == "F"
    assert int(session.notified_at.timestamp()) == newer["timestamp"]
    assert session.messages.count() == 3


def _push(call_payload: dict, *, call_id: str, node_id: str, intention: str, turns: int):
    payload = copy.deepcopy(call_payload)
    payload["node_id"] = node_id
    payload["call"].update(call_id=call_id, intention=intention)
    payload["call"]["asr_result"] = payload["call"]["asr_result"][:turns]
    return payload


# (c) Relies on the unique constraint on CallResult.call_id (get_or_create's IntegrityError path).
def test_two_nodes_pushing_one_new_call_at_once_make_one_call_with_both_nodes(
    endpoint, call_payload, sleep_after_reading
):
    now = timezone.now()
    # The workflow is known and was last seen later (another call), so neither push writes its
    # row: creating or updating it would serialise them and hide a missing constraint.
    elsewhere = _push(call_payload, call_id="elsewhere", node_id="node-0", intention="A", turns=1)
    event = _stored(endpoint, CALL, elsewhere, received_at=now + timedelta(minutes=5))
    assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.PROCESSED
    pushes = [
        _push(call_payload, call_id="two-nodes", node_id=node, intention=node, turns=2)
        for node in ["node-a", "node-b"]
    ]
    events = [
        _stored(endpoint, CALL, push, received_at=now + timedelta(seconds=i))
        for i, push in enumerate(pushes)
    ]
    sleep_after_reading(CallResult, lambda d: WINDOW)

    statuses = run_concurrently(
        *[lambda pk=event.pk: webhook_event_process(event_id=pk).status for event in events]
    )

    assert statuses == [WebhookEvent.Status.PROCESSED] * 2
    call = CallResult.objects.get(call_id="two-nodes")
    assert call.intention == "node-b"  # the push received last
    assert sorted(call.node_pushes.values_list("node_id", flat=True)) == ["node-a", "node-b"]
    assert call.transcript.count() == 2


# (d) Relies on call_result_record's row lock (select_for_update) on the call.
@pytest.mark.parametrize("newer_first", [True, False])
def test_newer_and_older_push_processed_at_once_end_with_the_newer(
    endpoint, call_payload, sleep_after_reading, newer_first
):
    call_id = f"race-{newer_first}"
    start = timezone.now() - timedelta(minutes=10)
    original = _push(call_payload, call_id=call_id, node_id="node-0", intention="A", turns=5)
    # The workflow was last seen later (another call), so neither push updates its row: that
    # update's lock would serialise them and hide a missing lock on the call.
    elsewhere = _push(call_payload, call_id="elsewhere", node_id="node-0", intention="A", turns=1)
    for payload, at in [(original, start), (elsewhere, start + timedelta(minutes=5))]:
        event = _stored(endpoint, CALL, payload, received_at=at)
        assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.PROCESSED
    older_at = start + timedelta(minutes=1)
    older = _push(call_payload, call_id=call_id, node_id="node-1", intention="B", turns=4)
    newer = _push(call_payload, call_id=call_id, node_id="node-2", intention="F", turns=3)
    events = [
        _stored(endpoint, CALL, newer, received_at=start + timedelta(minutes=2)),
        _stored(endpoint, CALL, older, received_at=older_at),
    ]
    if not newer_first:
        events.reverse()
    # Both read the call as the first push left it; the older push writes last.
    sleep_after_reading(
        CallResult, lambda d: 3 * WINDOW if d["last_pushed_at"] == older_at else WINDOW
    )

    statuses = run_concurrently(
        *[lambda pk=event.pk: webhook_event_process(event_id=pk).status for event in events]
    )

    assert statuses == [WebhookEvent.Status.PROCESSED] * 2
    call = CallResult.objects.get(call_id=call_id)
    assert call.intention == "F"
    assert call.last_pushed_at == start + timedelta(minutes=2)
    assert TranscriptTurn.objects.filter(call=call).count() == 3
    assert NodePush.objects.filter(call=call).count() == 3


# (e) Relies on the unique constraint on (endpoint, kind, dedup_key): a push's retries share it.
def test_retries_of_one_push_arriving_at_once_are_one_event_and_one_node_push(
    endpoint, call_payload
):
    other_node = _push(call_payload, call_id="retried", node_id="node-0", intention="A", turns=5)
    earlier = _stored(endpoint, CALL, other_node, received_at=timezone.now() - timedelta(minutes=1))
    assert webhook_event_process(event_id=earlier.pk).status == WebhookEvent.Status.PROCESSED
    push = _push(call_payload, call_id="retried", node_id="node-1", intention="F", turns=3)

    answers = _post_all(endpoint, CALL, push, 6)

    assert answers == [(200, {})] * 6
    event = WebhookEvent.objects.exclude(pk=earlier.pk).get()
    assert (event.delivery_count, event.status, event.attempts) == (
        6,
        WebhookEvent.Status.PROCESSED,
        1,
    )
    call = CallResult.objects.get()
    assert call.intention == "F"
    assert call.transcript.count() == 3
    assert sorted(call.node_pushes.values_list("node_id", flat=True)) == ["node-0", "node-1"]
