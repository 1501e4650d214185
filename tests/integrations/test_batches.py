"""Processing in batches (integrations.batches): the records one by one would give, in fewer
statements, with each event processed once and an unreadable one failing alone.

These run on SQLite and on PostgreSQL (``DATABASE_URL``); the claim's ``SKIP LOCKED`` between
two workers runs on PostgreSQL only.
"""

import copy
import json
import threading
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls_app import batch as calls_batch
from calls_app.kinds import CALL_RESULT
from calls_app.models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn
from integrations import kinds
from integrations.batches import (
    webhook_events_drain,
    webhook_events_process_batch,
    webhook_events_sweep,
)
from integrations.models import WebhookEvent
from integrations.services import webhook_dedup_key, webhook_event_process
from integrations.signals import events_processed
from records.models import Workflow
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatMessage, ChatSession

CHAT, CALL = CHATBOT_SESSION_END.slug, CALL_RESULT.slug
START = timezone.now() - timedelta(minutes=30)


def _stored(endpoint, kind: str, payload, *, at: int = 0) -> WebhookEvent:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    received_at = START + timedelta(seconds=at)
    return WebhookEvent.objects.create(
        endpoint=endpoint,
        kind=kind,
        body=body,
        dedup_key=webhook_dedup_key(kind=kind, payload=None, body=body) + str(at),
        received_at=received_at,
        last_received_at=received_at,
    )


def _chat(chat_payload, call_id: str, *, later_by: int = 0, intention: str = "", messages=16):
    payload = copy.deepcopy(chat_payload)
    payload.update(call_id=call_id, timestamp=payload["timestamp"] + later_by)
    payload["intention"] = intention or payload["intention"]
    payload["messages"] = payload["messages"][:messages]
    return payload


def _push(call_payload, call_id: str, *, node_id: str = "node-1", intention: str = "", turns=8):
    payload = copy.deepcopy(call_payload)
    payload["node_id"] = node_id
    payload["call"]["call_id"] = call_id
    payload["call"]["intention"] = intention or payload["call"]["intention"]
    payload["call"]["asr_result"] = payload["call"]["asr_result"][:turns]
    return payload


# Each table the two kinds write, its foreign keys read as natural keys, so that two runs compare.
def _rows(model, keys: dict) -> list:
    rows = []
    for row in model.objects.values():
        row = {name: value for name, value in row.items() if name not in {"id", "updated_at"}}
        for name, read in keys.items():
            row[name] = read(row[name])
        rows.append(row)
    return sorted(rows, key=repr)


def _snapshot() -> dict:
    workflow = dict(Workflow.objects.values_list("pk", "workflow_id"))
    call = dict(CallResult.objects.values_list("pk", "call_id"))
    session = dict(ChatSession.objects.values_list("pk", "call_id"))
    message = {m.pk: (session[m.session_id], m.position) for m in ChatMessage.objects.all()}
    by_call = {"call_id": call.get}
    return {
        "workflows": _rows(Workflow, {}),
        "calls": _rows(CallResult, {"workflow_id": workflow.get}),
        "turns": _rows(TranscriptTurn, by_call),
        "answers": _rows(CallAnswer, by_call),
        "redials": _rows(Redial, by_call),
        "nodes": _rows(NodePush, by_call),
        "sessions": _rows(ChatSession, {"workflow_id": workflow.get}),
        "messages": _rows(ChatMessage, {"session_id": session.get, "reply_to_id": message.get}),
        "events": sorted(
            WebhookEvent.objects.values_list("pk", "status", "error", "attempts").order_by("pk")
        ),
    }


@pytest.fixture
def mixed(endpoint, chat_payload, call_payload):
    """Events of both kinds, with records already stored for some of their sessions and calls."""
    earlier = [
        _stored(endpoint, CHAT, _chat(chat_payload, "chat-known", intention="A"), at=0),
        _stored(endpoint, CALL, _push(call_payload, "call-known", node_id="n0"), at=1),
    ]
    for event in earlier:
        assert webhook_event_process(event_id=event.pk).status == "processed"
    renamed = copy.deepcopy(chat_payload)
    renamed.update(workflow_id="wf-new", workflow_name="New flow")
    return [
        _stored(
            endpoint, CHAT, _chat(chat_payload, "chat-known", later_by=60, intention="B"), at=10
        ),
        _stored(endpoint, CALL, _push(call_payload, "call-new", node_id="n1", turns=3), at=11),
        _stored(endpoint, CHAT, _chat(chat_payload, "chat-new", messages=5), at=12),
        _stored(
            endpoint, CALL, _push(call_payload, "call-known", node_id="n1", intention="F"), at=13
        ),
        _stored(endpoint, CALL, _push(call_payload, "call-new", node_id="n2", turns=5), at=14),
        # Older than the one before it: changes nothing but its workflow, as one by one.
        _stored(
            endpoint, CHAT, _chat(chat_payload, "chat-known", later_by=30, intention="C"), at=15
        ),
        _stored(endpoint, CHAT, _chat(renamed, "chat-renamed"), at=16),
        _stored(endpoint, CALL, _push(call_payload, "call-known", node_id="n0", turns=2), at=17),
    ]


@pytest.mark.django_db
def test_a_mixed_batch_gives_the_records_one_by_one_gives(mixed):
    with transaction.atomic():
        for event in mixed:
            assert webhook_event_process(event_id=event.pk).status == "processed"
        one_by_one = _snapshot()
        transaction.set_rollback(True)

    counts, more = webhook_events_drain(limit=100)

    assert (counts, more) == ({"processed": len(mixed)}, False)
    assert _snapshot() == one_by_one
    assert one_by_one["messages"] and one_by_one["turns"] and one_by_one["nodes"]


@pytest.mark.django_db
def test_a_malformed_event_fails_alone_naming_its_field(endpoint, chat_payload, call_payload):
    bad_time = _push(call_payload, "call-bad")
    bad_time["call"]["call_end_time"] = "yesterday"
    no_workflow = _chat(chat_payload, "chat-bad")
    del no_workflow["workflow_id"]
    events = [
        _stored(endpoint, CALL, _push(call_payload, "call-1"), at=0),
        _stored(endpoint, CALL, bad_time, at=1),
        _stored(endpoint, CHAT, _chat(chat_payload, "chat-1"), at=2),
        _stored(endpoint, CHAT, no_workflow, at=3),
        _stored(endpoint, CHAT, b"{not json", at=4),
        _stored(endpoint, CALL, _push(call_payload, "call-2"), at=5),
    ]

    counts, _ = webhook_events_drain(limit=100)

    assert counts == {"processed": 3, "failed": 3}
    statuses = dict(WebhookEvent.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in events] == [
        "processed", "failed", "processed", "failed", "failed", "processed",
    ]  # fmt: skip
    errors = {e.pk: e.error for e in WebhookEvent.objects.filter(status="failed")}
    assert errors[events[1].pk].startswith("call.call_end_time: ")
    assert errors[events[3].pk].startswith("workflow_id: ")
    assert errors[events[4].pk].startswith("body is not valid JSON")
    assert set(CallResult.objects.values_list("call_id", flat=True)) == {"call-1", "call-2"}
    assert list(ChatSession.objects.values_list("call_id", flat=True)) == ["chat-1"]
    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_two_events_of_one_call_or_session_in_a_batch_end_as_the_later_one_says(
    endpoint, chat_payload, call_payload
):
    _stored(endpoint, CALL, _push(call_payload, "c", node_id="a", intention="A", turns=5), at=0)
    later = _stored(endpoint, CALL, _push(call_payload, "c", node_id="b", intention="B", turns=2))
    later.received_at = later.last_received_at = START + timedelta(seconds=1)
    later.save()
    # A newer notification received first: the older one received after it changes nothing.
    _stored(endpoint, CHAT, _chat(chat_payload, "s", later_by=60, intention="N", messages=3), at=2)
    _stored(endpoint, CHAT, _chat(chat_payload, "s", later_by=0, intention="O", messages=7), at=3)

    batch = webhook_events_process_batch(kind=CALL, limit=100)
    webhook_events_process_batch(kind=CHAT, limit=100)

    assert (batch.claimed, batch.counts) == (2, {"processed": 2})
    call = CallResult.objects.get()
    assert (call.intention, call.event_id, call.transcript.count()) == ("B", later.pk, 2)
    assert sorted(call.node_pushes.values_list("node_id", flat=True)) == ["a", "b"]
    session = ChatSession.objects.get()
    assert (session.intention, session.message_count, session.messages.count()) == ("N", 3, 3)


@pytest.mark.django_db
def test_an_event_already_processed_is_not_processed_again(endpoint, chat_payload):
    event = _stored(endpoint, CHAT, _chat(chat_payload, "once"))
    assert webhook_event_process(event_id=event.pk).status == "processed"
    failed = _stored(endpoint, CHAT, b"[]", at=1)
    assert webhook_event_process(event_id=failed.pk).status == "failed"

    assert webhook_events_drain(limit=100) == ({}, False)

    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {1}


def _per_event_queries(endpoint, chat_payload, call_payload, run) -> float:
    events = [
        _stored(endpoint, kind, payload, at=i)
        for i in range(10)
        for kind, payload in (
            (CHAT, _chat(chat_payload, f"{run.__name__}-chat-{i}")),
            (CALL, _push(call_payload, f"{run.__name__}-call-{i}")),
        )
    ]
    with CaptureQueriesContext(connection) as captured:
        run(events)
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    return len(captured) / len(events)


def one_by_one(events):
    for event in events:
        webhook_event_process(event_id=event.pk)


def in_batches(events):
    assert webhook_events_drain(limit=100) == ({"processed": len(events)}, False)


@pytest.mark.django_db
@pytest.mark.parametrize("receivers", ["with", "without"])
def test_per_event_cost_falls_in_batches(
    endpoint, chat_payload, call_payload, monkeypatch, receivers
):
    """Processing: about 20 statements an event one by one, a few per batch in batches; what the
    signal's receivers (collections, drift) do after the commit, per event one by one, is a few
    statements per batch in batches."""
    if receivers == "without":
        monkeypatch.setattr(events_processed, "receivers", [])
        monkeypatch.setattr(events_processed, "sender_receivers_cache", {})
    single = _per_event_queries(endpoint, chat_payload, call_payload, one_by_one)
    batched = _per_event_queries(endpoint, chat_payload, call_payload, in_batches)

    if receivers == "without":
        assert single >= 15 and batched <= 2, (single, batched)
    else:  # collections classifies the batch at once too
        assert single >= 25 and batched <= 2.5, (single, batched)


@pytest.mark.django_db
def test_a_database_error_in_the_bulk_write_falls_back_to_one_by_one(
    endpoint, call_payload, monkeypatch
):
    def broken(reads):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(calls_batch, "_write", broken)
    events = [_stored(endpoint, CALL, _push(call_payload, f"c{i}"), at=i) for i in range(3)]

    batch = webhook_events_process_batch(kind=CALL, limit=100)

    assert (batch.claimed, batch.counts) == (3, {"processed": 3})
    assert CallResult.objects.count() == 3
    assert {e.attempts for e in WebhookEvent.objects.filter(pk__in=[e.pk for e in events])} == {1}


@pytest.mark.django_db
def test_a_worker_stopped_mid_batch_leaves_its_events_received(endpoint, chat_payload, monkeypatch):
    def stopped(inbounds):
        raise SoftTimeLimitExceeded()

    declared = kinds.get(CHAT)
    monkeypatch.setitem(kinds._REGISTRY, CHAT, _with(declared, process_many=stopped))
    _stored(endpoint, CHAT, _chat(chat_payload, "s1"))

    with pytest.raises(SoftTimeLimitExceeded):
        webhook_events_drain(limit=100)

    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == ("received", 0)
    assert not ChatSession.objects.exists()


def _with(declared, **changes):
    import dataclasses

    return dataclasses.replace(declared, **changes)


@pytest.mark.django_db
def test_a_kind_without_a_batch_writer_goes_one_by_one(endpoint, chat_payload, replace_processor):
    declared = kinds.get(CHAT).process
    seen = []

    def process(inbound):
        seen.append(inbound.event_id)
        declared(inbound)

    replace_processor(CHAT, process)
    events = [_stored(endpoint, CHAT, _chat(chat_payload, f"s{i}"), at=i) for i in range(3)]

    assert webhook_events_drain(limit=2) == ({"processed": 3}, False)
    assert seen == [event.pk for event in events]


@pytest.mark.django_db
def test_the_sweep_takes_stale_events_in_batches_and_fails_an_unknown_kind(
    endpoint, chat_payload, settings
):
    stale = -int(settings.AIRUDDER_STALE_EVENT_AFTER.total_seconds()) - 1800
    _stored(endpoint, CHAT, _chat(chat_payload, "s1"), at=0)  # 30 minutes old: stale
    unknown = _stored(endpoint, "waba_message_status", {"msg_id": "m"}, at=1)
    fresh = _stored(endpoint, CHAT, _chat(chat_payload, "s2"), at=2)
    fresh.received_at = fresh.last_received_at = timezone.now()
    fresh.save()
    assert stale < 0

    assert webhook_events_sweep(limit=100, older_than=settings.AIRUDDER_STALE_EVENT_AFTER) == {
        "processed": 1,
        "failed": 1,
    }
    unknown.refresh_from_db()
    assert "waba_message_status" in unknown.error
    fresh.refresh_from_db()
    assert fresh.status == "received"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_two_workers_draining_at_once_process_each_event_once(
    endpoint, chat_payload, replace_processor
):
    declared = kinds.get(CHAT).process
    seen = []

    def process(inbound):
        seen.append(inbound.event_id)
        declared(inbound)

    replace_processor(CHAT, process)
    events = [_stored(endpoint, CHAT, _chat(chat_payload, f"s{i}"), at=i) for i in range(40)]
    barrier, results = threading.Barrier(2), []

    def drain():
        try:
            barrier.wait(timeout=30)
            results.append(webhook_events_drain(limit=5)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(seen) == [event.pk for event in events]
    assert sum(r.get("processed", 0) for r in results) == 40
    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {1}
