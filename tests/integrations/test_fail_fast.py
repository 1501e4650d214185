"""A blocked database fails a delivery fast (503 with Retry-After, AI Rudder retries) instead of
holding the client past AI Rudder's 10 s; ``/healthz`` never touches the database."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from integrations.models import WebhookEvent
from integrations.services import webhook_endpoint_create


def _other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    for name in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(name, None)
    return psycopg.connect(**params)


@pytest.fixture
def locked_events_table(postgresql):
    """Another session holds the events table for 8 s, as a long migration or a stuck job would
    (released then, so that a delivery without timeouts ends late rather than never)."""
    other = _other_connection()
    other.execute("LOCK TABLE integrations_webhookevent IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(8, other.rollback)
    release.start()
    yield
    release.cancel()
    other.rollback()
    other.close()


@pytest.mark.django_db(transaction=True)
def test_a_locked_events_table_answers_503_within_5_s(client, call_payload, locked_events_table):
    endpoint = webhook_endpoint_create(name="Acme", timezone_name="Asia/Jakarta")
    url = reverse("integrations:call-result", kwargs={"token": endpoint.token})

    started = time.monotonic()
    response = client.post(url, call_payload, content_type="application/json")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert elapsed < 5
    assert response.json() == {"error": "temporarily unavailable, retry later"}


@pytest.mark.django_db(transaction=True)
def test_the_statement_timeout_alone_also_fails_fast(
    client, call_payload, locked_events_table, settings
):
    settings.AIRUDDER_WEBHOOK_LOCK_TIMEOUT_MS = 0  # off: only the statement timeout is left
    settings.AIRUDDER_WEBHOOK_STATEMENT_TIMEOUT_MS = 500
    endpoint = webhook_endpoint_create(name="Acme", timezone_name="Asia/Jakarta")
    url = reverse("integrations:call-result", kwargs={"token": endpoint.token})

    started = time.monotonic()
    response = client.post(url, call_payload, content_type="application/json")

    assert response.status_code == 503
    assert time.monotonic() - started < 3


@pytest.mark.django_db(transaction=True)
def test_the_timeouts_last_for_the_delivery_only(client, call_payload, postgresql):
    endpoint = webhook_endpoint_create(name="Acme", timezone_name="Asia/Jakarta")
    url = reverse("integrations:call-result", kwargs={"token": endpoint.token})

    assert client.post(url, call_payload, content_type="application/json").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')"
        )
        assert cursor.fetchone() == ("0", "0")
    assert WebhookEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_lock_shorter_than_the_timeout_is_waited_for(client, call_payload, postgresql):
    endpoint = webhook_endpoint_create(name="Acme", timezone_name="Asia/Jakarta")
    url = reverse("integrations:call-result", kwargs={"token": endpoint.token})
    other = _other_connection()
    other.execute("LOCK TABLE integrations_webhookevent IN ACCESS EXCLUSIVE MODE")
    threading.Timer(0.5, other.rollback).start()
    try:
        response = client.post(url, call_payload, content_type="application/json")
    finally:
        other.close()

    assert response.status_code == 200


def test_healthz_touches_no_database(client):
    """No ``django_db`` mark: pytest-django makes any database access here an error."""
    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert time.monotonic() - started < 0.5


def test_healthz_answers_while_the_table_is_locked(client, locked_events_table):
    started = time.monotonic()
    assert client.get("/healthz").status_code == 200
    assert time.monotonic() - started < 0.5
