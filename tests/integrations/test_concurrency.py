"""Deliveries and processing that overlap in time, as AI Rudder's retries and workers make them.

Only PostgreSQL runs these: SQLite lets one writer at a time into the whole database, so nothing
overlaps there and the constraint and row locks that decide these races are never exercised.
"""

import copy
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.services import webhook_dedup_key, webhook_event_process
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers, so concurrent deliveries never overlap there",
    ),
]


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


def test_example_delivered_by_eight_at_once_is_one_event_and_one_session(endpoint, chat_payload):
    url = reverse(CHATBOT_SESSION_END.url_name, kwargs={"token": endpoint.token})
    body = json.dumps(chat_payload)

    def post(client=None):
        response = (client or Client()).post(
            url, data=body, content_type="application/json", HTTP_X_AIRUDDER_SIGN=""
        )
        return response.status_code, response.json()

    answers = run_concurrently(*[post] * 8)

    assert answers == [(200, {})] * 8
    event = WebhookEvent.objects.get()
    assert event.delivery_count == 8
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempts == 1
    session = ChatSession.objects.get()
    assert session.messages.count() == 16


def _stored(endpoint, payload: dict) -> WebhookEvent:
    body = json.dumps(payload).encode()
    return WebhookEvent.objects.create(
        endpoint=endpoint,
        kind=CHAT,
        body=body,
        dedup_key=webhook_dedup_key(kind=CHAT, payload=payload, body=body),
    )


@pytest.mark.parametrize("round_", range(5))
def test_newer_and_older_notification_processed_at_once_end_with_the_newer(
    endpoint, chat_payload, round_
):
    older = copy.deepcopy(chat_payload)
    older["call_id"] = f"race-{round_}"
    newer = copy.deepcopy(older)
    newer["timestamp"] += 60
    newer["intention"] = "F"
    newer["messages"] = newer["messages"][:3]
    events = [_stored(endpoint, newer), _stored(endpoint, older)]
    if round_ % 2:
        events.reverse()

    statuses = run_concurrently(
        *[lambda pk=event.pk: webhook_event_process(event_id=pk).status for event in events]
    )

    assert statuses == [WebhookEvent.Status.PROCESSED] * 2
    session = ChatSession.objects.get(call_id=f"race-{round_}")
    assert session.intention == "F"
    assert int(session.notified_at.timestamp()) == newer["timestamp"]
    assert session.messages.count() == 3
