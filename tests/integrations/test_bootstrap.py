"""``manage.py bootstrap``, what ``make run`` runs before the server: idempotent set-up."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max

from calls_app.models import CallResult, NodePush
from config.celery import app as celery_app
from integrations.models import WebhookEndpoint, WebhookEvent
from sessions_app.models import ChatSession

pytestmark = pytest.mark.django_db
PASSWORD = re.compile(r"password: (\S+)")


@pytest.fixture(autouse=True)
def no_public_base_url(monkeypatch):
    monkeypatch.delenv("AIRUDDER_PUBLIC_BASE_URL", raising=False)


def bootstrap(*args: str) -> str:
    out = io.StringIO()
    call_command("bootstrap", "--host", "127.0.0.1", "--port", "8765", *args, stdout=out)
    return out.getvalue()


def test_first_run_creates_endpoint_superuser_and_demo_and_prints_the_urls(client):
    output = bootstrap("--timezone", "Asia/Jakarta")

    endpoint = WebhookEndpoint.objects.get(name="default")
    assert endpoint.timezone == "Asia/Jakarta"
    base = f"http://127.0.0.1:8765/webhooks/airudder/{endpoint.token}"
    assert f"{base}/chatbot-session-end/" in output
    assert f"{base}/call-result/" in output
    assert "http://127.0.0.1:8765/admin/" in output
    password = PASSWORD.search(output).group(1)
    assert client.login(username="admin", password=password)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert not WebhookEvent.objects.exclude(status=WebhookEvent.Status.PROCESSED).exists()
    assert ChatSession.objects.count() == 41
    assert CallResult.objects.count() == 61
    assert (
        ChatSession.objects.get(call_id="a3f5c12ac59xxxxxxxxad71fe6a8ea3e").messages.count() == 16
    )


def test_second_run_changes_nothing_and_shows_no_password():
    first = bootstrap()
    counts = (WebhookEvent.objects.count(), ChatSession.objects.count(), NodePush.objects.count())

    second = bootstrap()

    assert PASSWORD.search(first)
    assert not PASSWORD.search(second)
    assert "already loaded" in second
    assert get_user_model().objects.count() == 1
    assert WebhookEndpoint.objects.count() == 1
    assert (
        WebhookEvent.objects.count(),
        ChatSession.objects.count(),
        NodePush.objects.count(),
    ) == (counts)
    assert WebhookEvent.objects.aggregate(Max("delivery_count"))["delivery_count__max"] == 1


def test_existing_endpoint_keeps_its_time_zone_and_token():
    bootstrap("--no-demo", "--timezone", "Asia/Jakarta")
    token = WebhookEndpoint.objects.get().token

    bootstrap("--no-demo", "--timezone", "Europe/Paris")

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.timezone, endpoint.token) == ("Asia/Jakarta", token)


def test_webhook_urls_use_the_public_base_url_the_admin_the_local_one():
    output = bootstrap("--no-demo", "--base-url", "https://inbox.example.com/")

    token = WebhookEndpoint.objects.get().token
    assert f"https://inbox.example.com/webhooks/airudder/{token}/call-result/" in output
    assert "Admin:  http://127.0.0.1:8765/admin/" in output


def test_no_demo_loads_nothing():
    bootstrap("--no-demo")

    assert not WebhookEvent.objects.exists()


def test_existing_superuser_gets_no_admin_user(django_user_model):
    django_user_model.objects.create_superuser(username="ops", password="x")

    output = bootstrap("--no-demo")

    assert not PASSWORD.search(output)
    assert not django_user_model.objects.filter(username="admin").exists()


def test_example_already_delivered_is_not_counted_again(deliver, endpoint, chat_payload):
    endpoint.name = "default"
    endpoint.save()
    deliver(WebhookEvent.Kind.CHATBOT_SESSION_END, chat_payload)

    bootstrap()

    example_event = WebhookEvent.objects.get(dedup_key__startswith=chat_payload["call_id"])
    assert example_event.delivery_count == 1
    assert ChatSession.objects.count() == 41


def test_demo_is_processed_without_a_worker_when_a_broker_is_configured():
    celery_app.conf.task_always_eager = False  # as with CELERY_BROKER_URL set

    bootstrap()

    assert celery_app.conf.task_always_eager is False
    statuses = set(WebhookEvent.objects.values_list("status", flat=True))
    assert statuses == {WebhookEvent.Status.PROCESSED}


def test_demo_bodies_are_stored_as_received_json():
    bootstrap()

    event = WebhookEvent.objects.filter(kind=WebhookEvent.Kind.CALL_RESULT).last()
    payload = json.loads(bytes(event.body))
    assert payload["call"]["call_id"] == event.dedup_key.split("@")[0]
    assert event.headers["Content-Type"] == "application/json"
