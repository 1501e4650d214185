"""The demo moves forward with the clock: a week later the last days still have data."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from calls_app.models import CallResult, NodePush, Redial, TranscriptTurn
from integrations.models import WebhookEvent
from sessions_app.models import ChatMessage, ChatSession

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = [WebhookEvent, ChatSession, ChatMessage, CallResult, TranscriptTurn, NodePush, Redial]
    return {model.__name__: model.objects.count() for model in models}


def _last_7_days(now) -> tuple[int, int]:
    since = now - timedelta(days=7)
    return (
        CallResult.objects.filter(started_at__gte=since, started_at__lte=now).count(),
        ChatSession.objects.filter(ended_at__gte=since, ended_at__lte=now).count(),
    )


def _load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_loaded_a_week_ago(monkeypatch):
    """``make run`` eight days ago: the clock of every service that reads it, set back."""
    call_command("bootstrap", stdout=io.StringIO())
    then = timezone.now() - timedelta(days=8, hours=1)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: then)
    _load_demo()
    monkeypatch.setattr(timezone, "now", real_now)
    return then


def test_a_week_later_the_last_days_have_data_then_a_run_the_same_day_changes_nothing(
    demo_loaded_a_week_ago,
):
    """One test for both (the demo set up a week ago takes seconds): the run a week later moves
    the demo forward, and a run again that day changes nothing."""
    now = timezone.now()
    assert _last_7_days(now) == (0, 0)  # everything happened before the last week
    before = _counts()
    since = demo_loaded_a_week_ago - timedelta(days=15)  # not AI Rudder's example, of 2024
    first_call = CallResult.objects.filter(started_at__gte=since).order_by("pk").first()

    output = _load_demo()

    assert "moved 8 days forward" in output
    assert "already loaded" in output
    calls, chats = _last_7_days(now)
    assert calls > 20 and chats > 10
    assert not CallResult.objects.filter(started_at__gt=now).exists()
    assert _counts() == before
    assert WebhookEvent.objects.aggregate(Max("delivery_count"))["delivery_count__max"] == 1
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    moved = CallResult.objects.get(pk=first_call.pk)  # the same record, 8 days later
    assert moved.started_at - first_call.started_at == timedelta(days=8)
    assert moved.due_date - first_call.due_date == timedelta(days=8)

    # Run again the same day.
    times = list(CallResult.objects.order_by("pk").values_list("started_at", flat=True))
    received = list(WebhookEvent.objects.order_by("pk").values_list("received_at", flat=True))

    output = _load_demo()

    assert "moved" not in output
    assert list(CallResult.objects.order_by("pk").values_list("started_at", flat=True)) == times
    assert list(WebhookEvent.objects.order_by("pk").values_list("received_at", flat=True)) == (
        received
    )


def test_a_fresh_demo_is_not_moved():
    call_command("bootstrap", stdout=io.StringIO())
    _load_demo()

    assert "moved" not in _load_demo()
    assert _last_7_days(timezone.now())[0] > 20
