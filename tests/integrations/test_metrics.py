"""GET /metrics: Prometheus reads the inbox's figures with a bearer token, computed from the
database at scrape time (so every gunicorn worker answers the same)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from calls_app.kinds import CALL_RESULT
from integrations.models import WebhookEvent
from integrations.services import webhook_event_receive
from sessions_app.kinds import CHATBOT_SESSION_END

CHAT = CHATBOT_SESSION_END.slug
CALL = CALL_RESULT.slug
TOKEN = "scrape-token-for-tests"


@pytest.fixture
def metrics_on(settings):
    settings.AIRUDDER_METRICS_TOKEN = TOKEN


def _scrape(client, token=TOKEN):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@pytest.mark.django_db
def test_off_without_a_token_setting(client, settings):
    settings.AIRUDDER_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN]
)
def test_refused_without_the_right_bearer_token(client, metrics_on, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert b"airudder" not in response.content


@pytest.mark.django_db
def test_deliveries_by_endpoint_kind_and_outcome(
    client, metrics_on, deliver, chat_payload, call_payload
):
    deliver(CHAT, chat_payload)
    deliver(CHAT, chat_payload)  # a retry: the same event, a second delivery
    call_payload["call"]["call_start_time"] = "not a time"
    deliver(CALL, call_payload)

    samples = _scrape(client)

    def deliveries(kind, outcome):
        labels = (("endpoint", "Acme collections"), ("kind", kind), ("outcome", outcome))
        return samples.get(("airudder_webhook_deliveries_total", labels))

    assert deliveries(CHAT, "processed") == 2
    assert deliveries(CALL, "failed") == 1
    assert deliveries(CHAT, "failed") is None
    events = (("endpoint", "Acme collections"), ("kind", CHAT), ("status", "processed"))
    assert samples[("airudder_webhook_events", events)] == 1


@pytest.mark.django_db
def test_backlog_and_oldest_unprocessed_age(client, metrics_on, endpoint, chat_payload):
    samples = _scrape(client)
    assert samples[("airudder_events_backlog", ())] == 0
    assert samples[("airudder_oldest_unprocessed_event_age_seconds", ())] == 0

    webhook_event_receive(
        endpoint=endpoint,
        kind=CHAT,
        body=json.dumps(chat_payload).encode(),
        headers={},
        remote_addr=None,
        enqueue=False,
    )
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))

    samples = _scrape(client)
    assert samples[("airudder_events_backlog", ())] == 1
    assert 600 <= samples[("airudder_oldest_unprocessed_event_age_seconds", ())] < 660
    # the figure is the database's, not a process's: another "worker" (a fresh collector)
    # scraping after a change sees it too
    WebhookEvent.objects.update(status=WebhookEvent.Status.PROCESSED)
    assert _scrape(client)[("airudder_events_backlog", ())] == 0


@pytest.mark.django_db
def test_last_delivery_and_drift(client, metrics_on, deliver, chat_payload):
    chat_payload["brand_new_field"] = True
    deliver(CHAT, chat_payload)

    samples = _scrape(client)

    last = samples[
        ("airudder_endpoint_last_delivery_timestamp_seconds", (("endpoint", "Acme collections"),))
    ]
    assert abs(last - timezone.now().timestamp()) < 60
    assert samples[("airudder_payload_drift_paths", (("kind", CHAT),))] == 1
    assert samples[("airudder_alert_incidents_open", ())] == 0


@pytest.mark.django_db
def test_no_customer_data_or_token_in_the_scrape(client, metrics_on, deliver, chat_payload):
    deliver(CHAT, chat_payload)
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    assert chat_payload["callee"] not in text
    assert TOKEN not in text
    assert "xinxin" not in text
