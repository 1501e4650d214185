"""What the people who run it rely on: probes, logs without secrets, a sweep that never runs an
event twice, a time limit that retries instead of failing."""

import json
import logging
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from integrations.models import WebhookEvent
from integrations.services import (
    webhook_event_process,
    webhook_event_receive,
    webhook_events_process,
)
from operations import health

pytestmark = pytest.mark.django_db
CHAT = "chatbot_session_end"


def _store(endpoint, payload, *, age=timedelta(0)) -> WebhookEvent:
    delivery = webhook_event_receive(
        endpoint=endpoint,
        kind=CHAT,
        body=json.dumps(payload).encode(),
        headers={},
        remote_addr=None,
        enqueue=False,
    )
    when = timezone.now() - age
    WebhookEvent.objects.filter(pk=delivery.event.pk).update(
        received_at=when, last_received_at=when
    )
    return delivery.event


def test_healthz_needs_nothing_but_the_process(client, monkeypatch):
    monkeypatch.setattr(health, "_database", lambda: pytest.fail("healthz touched the database"))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database_the_broker_and_the_backlog(client, endpoint, chat_payload):
    _store(endpoint, chat_payload, age=timedelta(minutes=5))

    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["database"] == "up"
    assert body["broker"] in ("in-process", "up")
    assert 299 <= body["oldest_unprocessed_event_age_seconds"] <= 330


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_readyz_is_503_when_the_configured_broker_does_not_answer(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setitem(health.current_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def _configured_console() -> logging.Handler:
    """The handler the project's LOGGING setting installs on the root logger."""
    from integrations.logging import RedactTokens

    return next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactTokens) for f in h.filters)
    )


@pytest.mark.parametrize(
    ("method", "token"),
    [("post", "wrong-token"), ("get", None), ("put", None), ("post", None)],
)
def test_no_log_line_shows_an_endpoint_token(client, endpoint, caplog, method, token):
    secret = token or endpoint.token
    url = reverse("integrations:chatbot-session-end", kwargs={"token": secret})
    console = _configured_console()

    with caplog.at_level(logging.INFO):
        if method == "get":
            client.get(url)
        else:
            getattr(client, method)(url, "[1, 2]", content_type="application/json")

    assert caplog.records, "the answer was expected to be logged"
    lines = [console.format(r) for r in caplog.records if console.filter(r)]
    assert all(secret not in line for line in lines)
    assert any("/webhooks/airudder/<token>/" in line for line in lines)


def test_logging_settings_redact_tokens_on_every_handler(settings):
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_tokens" in handler["filters"]


def test_sweep_of_a_received_event_that_turns_processed_under_the_lock(
    endpoint, chat_payload, monkeypatch
):
    """The listing said "received"; under the row lock it is "processed": nothing happens."""
    from integrations import services

    event = _store(endpoint, chat_payload, age=timedelta(minutes=5))
    real = services.webhook_event_process

    def worker_wins_then_sweep(*, event_id, force=False):
        real(event_id=event_id)  # the worker, between the sweep's listing and its lock
        return real(event_id=event_id, force=force)

    monkeypatch.setattr(services, "webhook_event_process", worker_wins_then_sweep)

    webhook_events_process(statuses=[WebhookEvent.Status.RECEIVED])

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1


def test_a_soft_time_limit_leaves_the_event_received_for_a_retry(
    endpoint, chat_payload, replace_processor
):
    def slow(inbound):
        raise SoftTimeLimitExceeded()

    replace_processor(CHAT, slow)
    event = _store(endpoint, chat_payload)

    with pytest.raises(SoftTimeLimitExceeded):
        webhook_event_process(event_id=event.pk)

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.RECEIVED
    assert event.error == ""


def test_the_task_retries_on_a_soft_time_limit():
    from integrations.tasks import process_event

    assert SoftTimeLimitExceeded in process_event.autoretry_for
    assert process_event.max_retries >= 1


def test_celery_redelivers_a_lost_task_but_never_runs_a_slow_one_twice(settings):
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT


def test_with_a_broker_the_delivery_does_not_wait_for_the_publish(
    client, endpoint, chat_payload, monkeypatch
):
    """A broker that hangs costs the delivery nothing: the id is published by a thread."""
    import threading

    from integrations import dispatch

    monkeypatch.setitem(dispatch.current_app.conf, "task_always_eager", False)
    release, published = threading.Event(), []

    def slow_publish(event_id):
        release.wait(5)
        published.append(event_id)

    monkeypatch.setattr(dispatch, "publish", slow_publish)
    # A publisher of the test's own: the process's may be busy with an earlier test's publish.
    monkeypatch.setattr(dispatch, "publisher", dispatch._Publisher())
    url = reverse("integrations:chatbot-session-end", kwargs={"token": endpoint.token})

    response = client.post(url, chat_payload, content_type="application/json")

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert published == []  # answered while the publish is still blocked
    dispatch.dispatch(event.pk)  # as the commit of the request's statement does in production
    release.set()
    for _ in range(100):
        if published:
            break
        threading.Event().wait(0.05)
    assert published == [event.pk]


def test_a_burst_of_deliveries_shares_few_wake_ups_and_strands_none(monkeypatch):
    """A worker drains all that waits, so the web process wakes one at most every
    ``WAKE_INTERVAL``: a broker round trip per delivery cost it a third of its CPU. Whatever
    arrives during that pause is woken for right after it."""
    import time

    from integrations import dispatch
    from tests.conftest import wait_for

    woken: list[float] = []
    monkeypatch.setattr(dispatch, "WAKE_INTERVAL", 0.05)
    monkeypatch.setattr(dispatch, "publish", lambda event_id: woken.append(time.monotonic()))
    publisher = dispatch._Publisher()
    for event_id in range(1, 201):  # 200 deliveries over about a quarter of a second
        publisher.submit(event_id)
        time.sleep(0.001)
    last = time.monotonic()

    assert wait_for(lambda: woken and woken[-1] >= last), "the last deliveries were never woken for"
    assert 2 <= len(woken) <= 20
