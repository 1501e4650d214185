"""Processing through a real broker, and a webhook that keeps answering when the broker is down.

The real-worker test needs ``CELERY_BROKER_URL`` (CI points it at a Redis database of its own: the
test worker consumes whatever is queued there) and PostgreSQL, whose committed rows the worker's
thread sees through its own connection.
"""

import copy
import io
import json
import time
from datetime import timedelta

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from integrations.models import WebhookEvent
from integrations.tasks import process_stale_events
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
# AI Rudder gives up on an answer after 10 seconds and retries: the webhook must answer before.
AI_RUDDER_TIMEOUT = 10


def _wait_until_handled(event: WebhookEvent, *, within: float = 20.0) -> WebhookEvent:
    deadline = time.monotonic() + within
    while event.status == WebhookEvent.Status.RECEIVED and time.monotonic() < deadline:
        time.sleep(0.2)
        event.refresh_from_db()
    return event


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_broker")
def test_a_real_worker_processes_a_delivery_after_the_answer(endpoint, chat_payload):
    url = reverse(CHATBOT_SESSION_END.url_name, kwargs={"token": endpoint.token})
    assert not celery_app.conf.task_always_eager

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        response = Client().post(
            url, data=json.dumps(chat_payload), content_type="application/json"
        )
        assert (response.status_code, response.json()) == (200, {})
        event = _wait_until_handled(WebhookEvent.objects.get())

    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1
    assert ChatSession.objects.get().messages.count() == 16


@pytest.fixture
def unreachable_broker():
    """A Celery app like the project's whose broker is a closed port, current while the test runs.

    The webhook queues its task through the current app, so this stands for the broker going down
    without touching the project app's pooled connections.
    """
    app = Celery("unreachable-broker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app.set_current()
    yield app
    celery_app.set_current()
    app.close()


@pytest.mark.django_db
def test_broker_down_still_answers_200_and_leaves_the_event_to_the_sweep(
    deliver, chat_payload, unreachable_broker
):
    started = time.monotonic()
    response = deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")
    elapsed = time.monotonic() - started

    assert (response.status_code, response.json()) == (200, {})
    assert elapsed < AI_RUDDER_TIMEOUT
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.RECEIVED
    assert not ChatSession.objects.exists()

    call_command("process_events", stdout=io.StringIO())

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert ChatSession.objects.get().messages.count() == 16


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_broker")
def test_broker_down_then_back_the_sweep_queues_the_stored_event_to_a_real_worker(
    deliver, chat_payload, unreachable_broker, settings
):
    response = deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")
    assert (response.status_code, response.json()) == (200, {})
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.RECEIVED

    celery_app.set_current()  # the broker is back
    settings.AIRUDDER_STALE_EVENT_AFTER = timedelta(0)
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        process_stale_events.delay()  # as beat queues it
        event = _wait_until_handled(stored)
        later = copy.deepcopy(chat_payload) | {"call_id": "after the broker is back"}
        response = deliver(CHAT, later, HTTP_X_AIRUDDER_SIGN="")
        assert (response.status_code, response.json()) == (200, {})
        queued = _wait_until_handled(WebhookEvent.objects.exclude(pk=stored.pk).get())

    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert (queued.status, queued.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert ChatSession.objects.count() == 2
