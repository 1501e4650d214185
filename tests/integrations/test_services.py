"""Processing, sweeping and purging stored webhook events."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import kinds
from integrations.models import WebhookEvent
from integrations.services import (
    webhook_event_process,
    webhook_event_receive,
    webhook_events_process,
    webhook_events_purge,
)
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
pytestmark = pytest.mark.django_db


@pytest.fixture
def store(endpoint):
    """Store a delivery as the webhook view does, without running its processing."""

    def _store(payload, *, kind=CHAT, age: timedelta | None = None, status=None) -> WebhookEvent:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        event = webhook_event_receive(
            endpoint=endpoint, kind=kind, body=body, headers={}, remote_addr=None
        ).event
        changes = {}
        if age is not None:
            changes["received_at"] = changes["last_received_at"] = timezone.now() - age
        if status is not None:
            changes["status"] = status
        if changes:
            WebhookEvent.objects.filter(pk=event.pk).update(**changes)
            event.refresh_from_db()
        return event

    return _store


def _variant(payload: dict, call_id: str) -> dict:
    return {**payload, "call_id": call_id}


def test_processing_records_the_session_and_marks_the_event_processed(store, chat_payload):
    event = store(chat_payload)

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1
    assert event.processed_at is not None
    assert event.error == event.traceback == ""
    session = ChatSession.objects.get()
    assert session.event == event


def test_payload_error_marks_failed_with_the_field_and_no_traceback(store, chat_payload):
    chat_payload["session_end_time"] = "soon"
    event = store(chat_payload)

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.FAILED
    assert event.error == "session_end_time: 'soon' is not an ISO 8601 time"
    assert event.traceback == ""
    assert event.processed_at is None
    assert not ChatSession.objects.exists()


def test_unexpected_exception_marks_failed_with_its_traceback(
    store, chat_payload, replace_processor
):
    def broken(inbound):
        raise RuntimeError("disk on fire")

    replace_processor(CHAT, broken)
    event = store(chat_payload)

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.FAILED
    assert event.error == "RuntimeError: disk on fire"
    assert "Traceback (most recent call last)" in event.traceback
    assert "disk on fire" in event.traceback


def test_failed_processing_writes_nothing_of_the_payload(store, chat_payload, replace_processor):
    from sessions_app.services import chat_session_record

    def record_then_fail(inbound):
        chat_session_record(payload=inbound.payload, event_id=inbound.event_id)
        raise RuntimeError("after writing")

    replace_processor(CHAT, record_then_fail)
    event = store(chat_payload)

    assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.FAILED
    assert not ChatSession.objects.exists()


def test_processed_event_is_not_processed_twice_without_force(
    store, chat_payload, replace_processor
):
    event = store(chat_payload)
    webhook_event_process(event_id=event.pk)
    calls = []
    replace_processor(CHAT, lambda inbound: calls.append(inbound.event_id))

    again = webhook_event_process(event_id=event.pk)

    assert calls == []
    assert again.attempts == 1
    assert again.status == WebhookEvent.Status.PROCESSED


def test_force_processes_a_processed_event_again(store, chat_payload, replace_processor):
    event = store(chat_payload)
    webhook_event_process(event_id=event.pk)
    calls = []
    replace_processor(CHAT, lambda inbound: calls.append(inbound.event_id))

    again = webhook_event_process(event_id=event.pk, force=True)

    assert calls == [event.pk]
    assert again.attempts == 2
    assert again.status == WebhookEvent.Status.PROCESSED


def test_failed_event_processed_again_after_a_fix_clears_its_error(
    store, chat_payload, replace_processor
):
    original = kinds.get(CHAT).process
    replace_processor(CHAT, lambda inbound: 1 / 0)
    event = store(chat_payload)
    assert webhook_event_process(event_id=event.pk).status == WebhookEvent.Status.FAILED
    replace_processor(CHAT, original)

    event = webhook_event_process(event_id=event.pk, force=True)

    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.error == event.traceback == ""
    assert event.attempts == 2
    assert ChatSession.objects.count() == 1


def test_event_of_a_kind_no_app_declares_fails_naming_the_kind(store, monkeypatch):
    event = store({"call_id": "c1", "timestamp": 1})
    monkeypatch.delitem(kinds._REGISTRY, CHAT)

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.FAILED
    assert "no app declares the event kind 'chatbot_session_end'" in event.error


def test_body_that_is_not_json_fails_again_when_forced(store):
    event = store(b"{oops")
    assert event.status == WebhookEvent.Status.FAILED

    event = webhook_event_process(event_id=event.pk, force=True)

    assert event.status == WebhookEvent.Status.FAILED
    assert event.error.startswith("body is not valid JSON")  # as on receipt: one group


def test_sweep_processes_old_received_events_only(store, chat_payload):
    old = store(_variant(chat_payload, "old"), age=timedelta(minutes=5))
    fresh = store(_variant(chat_payload, "fresh"))
    old_failed = store(
        _variant(chat_payload, "old-failed"),
        age=timedelta(minutes=5),
        status=WebhookEvent.Status.FAILED,
    )

    counts = webhook_events_process(
        statuses=[WebhookEvent.Status.RECEIVED], older_than=timedelta(minutes=1)
    )

    assert counts == {WebhookEvent.Status.PROCESSED: 1}
    statuses = dict(WebhookEvent.objects.values_list("pk", "status"))
    assert statuses[old.pk] == WebhookEvent.Status.PROCESSED
    assert statuses[fresh.pk] == WebhookEvent.Status.RECEIVED
    assert statuses[old_failed.pk] == WebhookEvent.Status.FAILED
    assert list(ChatSession.objects.values_list("call_id", flat=True)) == ["old"]


def test_sweep_of_failed_events_reports_each_outcome(store, chat_payload):
    store(_variant(chat_payload, "fixed"), status=WebhookEvent.Status.FAILED)
    store({**_variant(chat_payload, "still-bad"), "timestamp": "x"}, status="failed")

    counts = webhook_events_process(statuses=[WebhookEvent.Status.FAILED])

    assert counts == {WebhookEvent.Status.PROCESSED: 1, WebhookEvent.Status.FAILED: 1}


def test_purge_deletes_only_processed_events_older_than_the_cutoff(store, chat_payload):
    old_processed = store(
        _variant(chat_payload, "a"), age=timedelta(days=31), status=WebhookEvent.Status.PROCESSED
    )
    store(_variant(chat_payload, "b"), age=timedelta(days=29), status=WebhookEvent.Status.PROCESSED)
    store(_variant(chat_payload, "c"), age=timedelta(days=31), status=WebhookEvent.Status.FAILED)
    store(_variant(chat_payload, "d"), age=timedelta(days=31))

    deleted = webhook_events_purge(older_than=timedelta(days=30))

    assert deleted == 1
    assert not WebhookEvent.objects.filter(pk=old_processed.pk).exists()
    assert sorted(WebhookEvent.objects.values_list("dedup_key", flat=True)) == [
        f"{call_id}@{chat_payload['timestamp']}" for call_id in "bcd"
    ]


def test_purge_keeps_the_sessions_of_deleted_events(store, chat_payload):
    event = store(chat_payload)
    webhook_event_process(event_id=event.pk)
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - timedelta(days=9))

    assert webhook_events_purge(older_than=timedelta(days=7)) == 1

    session = ChatSession.objects.get()
    assert session.event is None
    assert session.messages.count() == 16
