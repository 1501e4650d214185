"""Retention: deliveries and records older than their kind's age go, in batches; 0 keeps all."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls_app.models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn
from config.celery import app as celery_app
from integrations.apps import EVENTS
from integrations.models import WebhookEvent
from privacy import retention
from sessions_app.models import ChatMessage, ChatSession

DAY = dt.timedelta(days=1)


@pytest.fixture
def aged(settings, deliver, chat_payload, call_payload):
    """Two chat sessions and two calls, each through a delivery; one of each (and its delivery)
    made 800 days old, and two failed deliveries."""
    settings.AIRUDDER_RETENTION_EVENTS_DAYS = 90
    settings.AIRUDDER_RETENTION_RECORDS_DAYS = 730
    now = timezone.now()
    for suffix in ("old", "new"):
        chat = {**chat_payload, "call_id": f"chat-{suffix}"}
        assert deliver("chatbot_session_end", chat).status_code == 200
        call = {**call_payload, "call": {**call_payload["call"], "call_id": f"call-{suffix}"}}
        assert deliver("call_result", call).status_code == 200
    old = now - 800 * DAY
    ChatSession.objects.filter(call_id="chat-old").update(notified_at=old)
    CallResult.objects.filter(call_id="call-old").update(last_pushed_at=old)
    old_events = [
        ChatSession.objects.get(call_id="chat-old").event_id,
        CallResult.objects.get(call_id="call-old").event_id,
    ]
    WebhookEvent.objects.filter(pk__in=old_events).update(received_at=old)
    for broken in (b"{not json 1", b"{not json 2"):  # stored, then failed: evidence
        deliver("chatbot_session_end", broken)
    failed = list(WebhookEvent.objects.filter(status="failed").order_by("pk"))
    return {"now": now, "old_events": old_events, "failed": failed}


def _counts():
    return {
        "sessions": ChatSession.objects.count(),
        "messages": ChatMessage.objects.count(),
        "calls": CallResult.objects.count(),
        "events": WebhookEvent.objects.count(),
    }


def test_each_domain_declares_its_records():
    names = {target.name: target for target in retention.targets()}
    assert names["chat sessions"].model is ChatSession
    assert names["call results"].model is CallResult
    assert names[EVENTS].model is WebhookEvent
    assert names["chat sessions"].setting == "AIRUDDER_RETENTION_RECORDS_DAYS"
    assert names[EVENTS].setting == "AIRUDDER_RETENTION_EVENTS_DAYS"


def test_dry_run_counts_and_deletes_nothing(aged):
    before = _counts()
    counts = retention.apply_retention(dry_run=True)
    assert counts == {
        "chat sessions": 1, "call results": 1, "webhook events": 2, "refused deliveries": 0,
    }  # fmt: skip
    assert _counts() == before


def test_old_records_go_with_their_children_and_new_ones_stay(aged):
    old_call = CallResult.objects.get(call_id="call-old")
    assert old_call.transcript.exists() and old_call.answers.exists()
    assert old_call.redials.exists() and old_call.node_pushes.exists()
    old_session = ChatSession.objects.get(call_id="chat-old")
    assert old_session.messages.exists()

    counts = retention.apply_retention()

    assert counts == {
        "chat sessions": 1, "call results": 1, "webhook events": 2, "refused deliveries": 0,
    }  # fmt: skip
    assert set(ChatSession.objects.values_list("call_id", flat=True)) == {"chat-new"}
    assert set(CallResult.objects.values_list("call_id", flat=True)) == {"call-new"}
    for model, parent in (
        (TranscriptTurn, "call"),
        (CallAnswer, "call"),
        (Redial, "call"),
        (NodePush, "call"),
    ):
        assert not model.objects.filter(**{f"{parent}_id": old_call.pk}).exists()
        assert model.objects.exists()  # the new call's are kept
    assert not ChatMessage.objects.filter(session_id=old_session.pk).exists()
    assert ChatMessage.objects.exists()
    assert not WebhookEvent.objects.filter(pk__in=aged["old_events"]).exists()
    assert retention.apply_retention() == {
        "chat sessions": 0, "call results": 0, "webhook events": 0, "refused deliveries": 0,
    }  # fmt: skip


def test_failed_events_are_kept_within_the_window_and_expire_after_it(aged):
    first, second = aged["failed"]
    WebhookEvent.objects.filter(pk=first.pk).update(received_at=aged["now"] - 100 * DAY)
    WebhookEvent.objects.filter(pk=second.pk).update(received_at=aged["now"] - 89 * DAY)
    retention.apply_retention()
    assert not WebhookEvent.objects.filter(pk=first.pk).exists()
    assert WebhookEvent.objects.filter(pk=second.pk, status="failed").exists()


def test_records_outlive_their_deliveries(aged, settings):
    """An event's age deletes only the delivery: the records it made stay, unlinked."""
    settings.AIRUDDER_RETENTION_RECORDS_DAYS = 0
    counts = retention.apply_retention()
    assert counts["chat sessions"] == counts["call results"] == 0
    session = ChatSession.objects.get(call_id="chat-old")
    assert session.event_id is None
    assert session.messages.exists()


def test_zero_keeps_everything(aged, settings):
    settings.AIRUDDER_RETENTION_EVENTS_DAYS = 0
    settings.AIRUDDER_RETENTION_RECORDS_DAYS = 0
    before = _counts()
    assert retention.apply_retention() == {
        "chat sessions": 0, "call results": 0, "webhook events": 0, "refused deliveries": 0,
    }  # fmt: skip
    assert _counts() == before


def test_deletes_in_batches_of_the_configured_size(
    settings, endpoint, django_assert_max_num_queries, monkeypatch
):
    settings.AIRUDDER_RETENTION_EVENTS_DAYS = 90
    settings.AIRUDDER_RETENTION_BATCH_SIZE = 3
    old = timezone.now() - 91 * DAY
    WebhookEvent.objects.bulk_create(
        WebhookEvent(endpoint=endpoint, kind="chatbot_session_end", body=b"{}",
                     dedup_key=f"k{i}", received_at=old)
        for i in range(10)
    )  # fmt: skip
    WebhookEvent.objects.create(endpoint=endpoint, kind="chatbot_session_end", body=b"{}",
                                dedup_key="fresh")  # fmt: skip
    ranges = []
    batches = retention._batches

    def spy(queryset, size):
        for first, last in batches(queryset, size):
            ranges.append((first, last))
            yield first, last

    monkeypatch.setattr(retention, "_batches", spy)
    assert retention.apply_retention()["webhook events"] == 10
    assert len(ranges) == 4  # 3 + 3 + 3 + 1
    assert all(first <= last for first, last in ranges)
    assert list(WebhookEvent.objects.values_list("dedup_key", flat=True)) == ["fresh"]


def test_command_dry_run_says_what_it_would_remove(aged, capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would delete 1 chat sessions (older than 730 days)." in out
    assert "Would delete 1 call results (older than 730 days)." in out
    assert "Would delete 2 webhook events (older than 90 days)." in out
    assert ChatSession.objects.filter(call_id="chat-old").exists()
    call_command("apply_retention")
    assert "Deleted 1 chat sessions" in capsys.readouterr().out
    assert not ChatSession.objects.filter(call_id="chat-old").exists()


def test_the_task_runs_daily_from_beat(settings, aged):
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == "integrations.retention.apply_retention"
    assert schedule["schedule"] == DAY
    task = celery_app.tasks[schedule["task"]]
    assert json.loads(json.dumps(task.apply().get()))["chat sessions"] == 1
