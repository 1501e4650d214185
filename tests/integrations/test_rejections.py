"""Refused deliveries leave a trace: each is kept (never its body), counted in /metrics across
processes, listed on the inbox health page, and alerted on while they continue."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from integrations import services, views
from integrations.models import (
    AlertIncident,
    WebhookEndpoint,
    WebhookEvent,
    WebhookRejection,
    WebhookRejectionTotal,
)
from integrations.services import webhook_rejection_record
from integrations.signing import signature_compute
from operations.alerts import alerts_check
from privacy import retention

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-rejections"
SECRET_BODY = b'{"call_id": "secret-probe", "phone": "+6281234567890"}'


def _post(client, token, body=SECRET_BODY, *, path="integrations:call-result", **headers):
    url = reverse(path, kwargs={"token": token})
    return client.post(
        url, body, content_type="application/json", REMOTE_ADDR="203.0.113.7", **headers
    )


def _rejected_total(client, settings) -> dict[str, float]:
    settings.AIRUDDER_METRICS_TOKEN = TOKEN
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        sample.labels["reason"]: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == "airudder_webhook_rejected_total"
    }


@pytest.fixture
def signed(endpoint):
    endpoint.signing_secret = "the-secret"
    endpoint.save()
    return endpoint


def test_an_unknown_token_is_kept_without_its_body(client):
    assert _post(client, "no-such-token").status_code == 404

    [rejection] = WebhookRejection.objects.all()
    assert rejection.reason == "unknown_token"
    assert rejection.endpoint is None
    assert rejection.remote_addr == "203.0.113.7"
    assert rejection.kind == "call_result"
    stored = json.dumps(list(WebhookRejection.objects.values()), default=str)
    assert "secret-probe" not in stored and "6281234567890" not in stored
    assert "no-such-token" not in stored  # the token tried is not kept either
    assert not WebhookEvent.objects.exists()


def test_an_inactive_endpoint_is_named_and_answers_like_an_unknown_token(client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    response = _post(client, endpoint.token)

    assert response.status_code == 404
    assert response.json() == _post(client, "no-such-token").json()
    reasons = list(WebhookRejection.objects.order_by("id").values_list("reason", "endpoint"))
    assert reasons == [("inactive_endpoint", endpoint.pk), ("unknown_token", None)]


def test_a_cached_inactive_endpoint_is_still_named(client, endpoint):
    endpoint.is_active = False
    endpoint.save()
    _post(client, endpoint.token)
    _post(client, endpoint.token)  # the endpoint remembered, inactive

    assert (
        list(WebhookRejection.objects.values_list("reason", flat=True)) == ["inactive_endpoint"] * 2
    )


def test_a_bad_signature_is_kept_with_its_endpoint(client, signed, chat_payload):
    body = json.dumps(chat_payload).encode()
    response = _post(
        client,
        signed.token,
        body,
        path="integrations:chatbot-session-end",
        HTTP_X_AIRUDDER_SIGN=signature_compute(secret="not-it", body=body),
    )

    assert response.status_code == 401
    [rejection] = WebhookRejection.objects.all()
    assert (rejection.reason, rejection.endpoint_id) == ("bad_signature", signed.pk)
    assert rejection.kind == "chatbot_session_end"


def test_accepted_deliveries_are_not_rejections(client, endpoint, call_payload):
    assert _post(client, endpoint.token, json.dumps(call_payload)).status_code == 200
    assert not WebhookRejection.objects.exists()
    assert not WebhookRejectionTotal.objects.exists()


def test_metrics_count_each_reason(client, settings, endpoint, signed):
    assert _rejected_total(client, settings) == {
        "bad_signature": 0,
        "inactive_endpoint": 0,
        "unknown_token": 0,
    }
    _post(client, "nope")
    _post(client, "nope-again")
    _post(client, signed.token, path="integrations:chatbot-session-end", HTTP_X_AIRUDDER_SIGN="x")
    # another web process refusing one: the count is read from the database
    webhook_rejection_record(
        reason="inactive_endpoint", kind="call_result", remote_addr=None, endpoint_id=endpoint.pk
    )

    assert _rejected_total(client, settings) == {
        "bad_signature": 1,
        "inactive_endpoint": 1,
        "unknown_token": 2,
    }


def test_the_table_keeps_its_newest_rows_and_the_counts_stay(client, settings, monkeypatch):
    settings.AIRUDDER_REJECTIONS_KEEP = 5
    monkeypatch.setattr(services, "REJECTIONS_TRIM_EVERY", 1)

    for _ in range(12):
        _post(client, "nope")

    assert WebhookRejection.objects.count() == 5
    assert _rejected_total(client, settings)["unknown_token"] == 12


def test_retention_deletes_old_rejections(client, settings):
    settings.AIRUDDER_RETENTION_REJECTIONS_DAYS = 7
    _post(client, "old")
    _post(client, "new")
    WebhookRejection.objects.filter(pk=WebhookRejection.objects.order_by("id")[0].pk).update(
        received_at=timezone.now() - timedelta(days=8)
    )

    assert retention.apply_retention()["refused deliveries"] == 1
    assert WebhookRejection.objects.count() == 1
    assert _rejected_total(client, settings)["unknown_token"] == 2


def test_a_rejection_that_cannot_be_recorded_still_gets_its_answer(client, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("the table is locked")

    monkeypatch.setattr(views, "webhook_rejection_record", broken)

    assert _post(client, "nope").status_code == 404


def test_the_inbox_health_page_lists_them(admin_client, client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    _post(client, endpoint.token)
    _post(client, "nope")

    page = admin_client.get("/dashboard/inbox/").content.decode()

    section = page[page.index('id="rejections"') :]
    section = section[: section.index("</section>")]
    assert "203.0.113.7" in section
    assert endpoint.name in section
    assert "(unknown token)" in section
    assert "Inactive endpoint" in section and "Unknown token" in section
    assert "1 inactive_endpoint, 1 unknown_token" in section


def test_the_page_says_when_nothing_was_refused(admin_client):
    page = admin_client.get("/dashboard/inbox/").content.decode()
    assert "No delivery has been refused." in page


@pytest.fixture
def alert_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AIRUDDER_ALERT_EMAILS = ["oncall@example.com"]
    settings.AIRUDDER_ALERT_WEBHOOK_URL = ""
    settings.AIRUDDER_ALERT_REJECTIONS_WINDOW_MINUTES = 15
    settings.AIRUDDER_ALERT_REJECTIONS_THRESHOLD = 2
    return settings


def test_an_alert_fires_while_rejections_continue_and_clears_after(client, alert_settings):
    for _ in range(3):
        _post(client, "nope")

    assert alerts_check()["opened"] == ["rejections"]
    [message] = mail.outbox
    assert "3 webhook deliveries were refused" in message.body
    assert "3 unknown_token" in message.body
    assert "203.0.113.7" not in message.body

    _post(client, "nope")
    assert alerts_check() == {"opened": [], "resolved": []}  # still going: no new message

    later = timezone.now() + timedelta(minutes=16)
    assert alerts_check(now=later)["resolved"] == ["rejections"]
    assert not AlertIncident.objects.filter(resolved_at__isnull=True).exists()


def test_no_alert_at_or_below_the_threshold(client, alert_settings):
    _post(client, "nope")
    _post(client, "nope")

    assert "rejections" not in alerts_check()["opened"]
