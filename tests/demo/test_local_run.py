"""``manage.py bootstrap`` then ``load_demo``, what ``make run`` runs before the server."""

import io
import json
import re
import zoneinfo

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import timezone

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult, NodePush
from config.celery import app as celery_app
from demo import calls, chats
from integrations import services
from integrations.models import WebhookEndpoint, WebhookEvent
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

pytestmark = pytest.mark.django_db
PASSWORD = re.compile(r"Password: (\S+)$", re.MULTILINE)
DEMO_CHATS = chats.GENERATED + 1  # and AI Rudder's example
# Calls: the generated ones, the hard-to-reach numbers' and the example (pushes by two nodes of a
# workflow are one call).
DEMO_CALLS = len(
    {
        p["call"]["call_id"]
        for p in calls.demo_call_payloads(now=timezone.now(), tz=zoneinfo.ZoneInfo("UTC"))
    }
)


@pytest.fixture(autouse=True)
def no_public_base_url(monkeypatch):
    monkeypatch.delenv("AIRUDDER_PUBLIC_BASE_URL", raising=False)


def bootstrap(*args: str, demo: bool = True) -> str:
    """What ``make run`` does before the server starts; ``demo=False`` skips ``load_demo``."""
    out = io.StringIO()
    call_command("bootstrap", "--host", "127.0.0.1", "--port", "8765", *args, stdout=out)
    if demo:
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_first_run_creates_endpoint_superuser_and_demo_and_prints_the_urls(client, monkeypatch):
    # With CELERY_BROKER_URL set, to a broker nobody answers at: the demo must not publish, and is
    # processed all the same, in this process.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    published = []
    monkeypatch.setattr(services, "dispatch", published.append)

    output = bootstrap("--timezone", "Asia/Jakarta")

    endpoint = WebhookEndpoint.objects.get(name="default")
    assert endpoint.timezone == "Asia/Jakarta"
    base = f"http://127.0.0.1:8765/webhooks/airudder/{endpoint.token}"
    assert f"{base}/chatbot-session-end/" in output
    assert f"{base}/call-result/" in output
    assert "Open:     http://127.0.0.1:8765/\n" in output
    password = PASSWORD.search(output).group(1)
    assert client.login(username="admin", password=password)
    assert get_user_model().objects.get(username="admin").is_superuser
    assert published == []
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    assert ChatSession.objects.count() == DEMO_CHATS
    assert CallResult.objects.count() == DEMO_CALLS > 90
    # Every call on one page of the admin's call list.
    assert admin.site.get_model_admin(CallResult).list_per_page >= DEMO_CALLS
    assert (
        ChatSession.objects.get(call_id="a3f5c12ac59xxxxxxxxad71fe6a8ea3e").messages.count() == 16
    )
    # Bodies are stored as a delivery would be: JSON as sent, with its headers.
    event = WebhookEvent.objects.filter(kind=CALL_RESULT.slug).last()
    payload = json.loads(bytes(event.body))
    assert payload["call"]["call_id"] == event.dedup_key.split("@")[0]
    assert event.headers["Content-Type"] == "application/json"


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
    bootstrap("--timezone", "Asia/Jakarta", demo=False)
    token = WebhookEndpoint.objects.get().token

    bootstrap("--timezone", "Europe/Paris", demo=False)

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.timezone, endpoint.token) == ("Asia/Jakarta", token)


def test_webhook_urls_use_the_public_base_url_the_admin_the_local_one():
    output = bootstrap("--base-url", "https://inbox.example.com/", demo=False)

    token = WebhookEndpoint.objects.get().token
    assert f"https://inbox.example.com/webhooks/airudder/{token}/call-result/" in output
    assert "Open:     http://127.0.0.1:8765/\n" in output


def test_bootstrap_alone_loads_no_demo():
    bootstrap(demo=False)

    assert not WebhookEvent.objects.exists()


def test_load_demo_without_the_endpoint_says_how_to_make_it():
    with pytest.raises(CommandError, match=r"run manage\.py bootstrap"):
        call_command("load_demo", "--endpoint", "nope")


def test_existing_superuser_gets_no_admin_user(django_user_model):
    django_user_model.objects.create_superuser(username="ops", password="x")

    output = bootstrap(demo=False)

    assert not PASSWORD.search(output)
    assert not django_user_model.objects.filter(username="admin").exists()


def test_example_already_delivered_is_not_counted_again(deliver, endpoint, chat_payload):
    endpoint.name = "default"
    endpoint.save()
    deliver(CHATBOT_SESSION_END.slug, chat_payload)

    bootstrap()

    example_event = WebhookEvent.objects.get(dedup_key__startswith=chat_payload["call_id"])
    assert example_event.delivery_count == 1
    assert ChatSession.objects.count() == DEMO_CHATS
