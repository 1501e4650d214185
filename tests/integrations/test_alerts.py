"""Alerts: one message when a problem starts, none while it lasts, one when it clears; by email
and to a Slack-compatible webhook, with no customer data and no token in them."""

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from integrations.models import AlertIncident, WebhookEvent
from integrations.services import webhook_endpoint_create, webhook_event_receive
from operations.alerts import alerts_check
from operations.tasks import check_alerts
from sessions_app.kinds import CHATBOT_SESSION_END

CHAT = CHATBOT_SESSION_END.slug
FIVE_MINUTES = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def alert_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AIRUDDER_ALERT_EMAILS = ["oncall@example.com"]
    settings.AIRUDDER_ALERT_WEBHOOK_URL = ""
    settings.AIRUDDER_ALERT_FAILURES_WINDOW_MINUTES = 15
    settings.AIRUDDER_ALERT_FAILURES_THRESHOLD = 2
    settings.AIRUDDER_ALERT_BACKLOG_AGE_MINUTES = 10
    settings.AIRUDDER_ALERT_SILENCE_MIN_MINUTES = 30
    settings.AIRUDDER_ALERT_SILENCE_FACTOR = 5
    settings.AIRUDDER_ALERT_SILENCE_MIN_DELIVERIES = 10
    return settings


def _store(endpoint, payload, *, ago=timedelta(0), status=None, error=""):
    event = webhook_event_receive(
        endpoint=endpoint,
        kind=CHAT,
        body=json.dumps(payload).encode(),
        headers={},
        remote_addr=None,
        enqueue=False,
    ).event
    moment = timezone.now() - ago
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=moment,
        last_received_at=moment,
        status=status or WebhookEvent.Status.RECEIVED,
        error=error,
    )
    return event


def _fail(endpoint, chat_payload, count, *, ago=timedelta(minutes=1)):
    for index in range(count):
        _store(
            endpoint,
            {**chat_payload, "call_id": f"fail-{index}-{ago}"},
            ago=ago,
            status=WebhookEvent.Status.FAILED,
            error=f"session_start_time: not a time, got {chat_payload['callee']!r}",
        )


@pytest.mark.django_db
def test_failures_above_the_threshold_alert_once_then_resolve(endpoint, chat_payload):
    _fail(endpoint, chat_payload, 2)
    assert alerts_check()["opened"] == []  # at the threshold, not above it

    _fail(endpoint, chat_payload, 1, ago=timedelta(minutes=2))
    assert alerts_check()["opened"] == ["failures"]
    assert alerts_check()["opened"] == []  # still firing: no second message
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["oncall@example.com"]
    assert "ALERT failures" in message.subject
    assert "3 webhook events failed in the last 15 min" in message.body
    assert "/dashboard/inbox/" in message.body
    # the errors quote the payload: the alert does not
    assert chat_payload["callee"] not in message.body
    assert endpoint.token not in message.body

    WebhookEvent.objects.update(status=WebhookEvent.Status.PROCESSED, error="")
    assert alerts_check()["resolved"] == ["failures"]
    assert len(mail.outbox) == 2
    assert "RESOLVED failures" in mail.outbox[1].subject
    incident = AlertIncident.objects.get()
    assert incident.resolved_at is not None
    assert alerts_check() == {"opened": [], "resolved": []}


@pytest.mark.django_db
def test_old_failures_do_not_alert(endpoint, chat_payload):
    _fail(endpoint, chat_payload, 5, ago=timedelta(minutes=20))
    assert alerts_check()["opened"] == []


@pytest.mark.django_db
def test_a_backlog_older_than_the_limit_alerts_until_the_workers_catch_up(endpoint, chat_payload):
    _store(endpoint, {**chat_payload, "call_id": "fresh"}, ago=timedelta(minutes=9))
    assert alerts_check()["opened"] == []

    _store(endpoint, {**chat_payload, "call_id": "stuck"}, ago=timedelta(minutes=11))
    assert alerts_check()["opened"] == ["backlog"]
    assert "2 webhook events wait to be processed" in mail.outbox[0].body

    WebhookEvent.objects.update(status=WebhookEvent.Status.PROCESSED)
    assert alerts_check()["resolved"] == ["backlog"]


def _busy(endpoint, chat_payload, *, every: timedelta, count: int, last_ago: timedelta):
    for index in range(count):
        _store(
            endpoint,
            {**chat_payload, "call_id": f"{endpoint.pk}-{index}"},
            ago=last_ago + every * (count - 1 - index),
            status=WebhookEvent.Status.PROCESSED,
        )


@pytest.mark.django_db
def test_a_busy_endpoint_is_allowed_a_short_pause(endpoint, chat_payload):
    # a delivery every 5 minutes for an hour and a half, the last 20 minutes ago
    _busy(endpoint, chat_payload, every=FIVE_MINUTES, count=18, last_ago=timedelta(minutes=20))
    assert alerts_check()["opened"] == []  # 20 min < max(30 min, 5 x 5 min)


@pytest.mark.django_db
def test_a_busy_endpoint_gone_silent_alerts_until_it_delivers_again(endpoint, chat_payload):
    _busy(endpoint, chat_payload, every=FIVE_MINUTES, count=18, last_ago=timedelta(minutes=31))
    key = f"silence:{endpoint.pk}:{CHAT}"
    assert alerts_check()["opened"] == [key]
    body = mail.outbox[0].body
    assert "'Acme collections' has received no chatbot_session_end delivery for 31 min" in body
    assert alerts_check()["opened"] == []

    _store(endpoint, {**chat_payload, "call_id": "back"}, status=WebhookEvent.Status.PROCESSED)
    assert alerts_check()["resolved"] == [key]
    assert "RESOLVED" in mail.outbox[1].subject


@pytest.mark.django_db
def test_a_quiet_endpoint_is_not_expected_to_deliver(endpoint, chat_payload):
    _busy(endpoint, chat_payload, every=timedelta(hours=1), count=5, last_ago=timedelta(hours=5))
    assert alerts_check()["opened"] == []


@pytest.mark.django_db
def test_slow_streams_wait_longer_than_the_floor(endpoint, chat_payload):
    # every 20 minutes: silent for 40 minutes is usual (limit 5 x 20 min = 100 min)
    _busy(
        endpoint,
        chat_payload,
        every=timedelta(minutes=20),
        count=12,
        last_ago=timedelta(minutes=40),
    )
    assert alerts_check()["opened"] == []


@pytest.mark.django_db
def test_a_silence_stays_open_after_its_day_of_traffic_ages_out(endpoint, chat_payload):
    _busy(endpoint, chat_payload, every=FIVE_MINUTES, count=12, last_ago=timedelta(hours=2))
    key = f"silence:{endpoint.pk}:{CHAT}"
    assert alerts_check()["opened"] == [key]

    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(days=2))
    assert alerts_check() == {"opened": [], "resolved": []}  # not "resolved": still silent
    assert AlertIncident.objects.get(key=key).resolved_at is None


@pytest.mark.django_db
def test_inactive_endpoints_are_not_watched(chat_payload):
    retired = webhook_endpoint_create(name="Retired")
    retired.is_active = False
    retired.save()
    _busy(retired, chat_payload, every=FIVE_MINUTES, count=12, last_ago=timedelta(hours=2))
    assert alerts_check()["opened"] == []


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.headers["Content-Type"], self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    _Hook.received = []
    _Hook.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_alerts_post_to_a_slack_compatible_webhook(
    endpoint, chat_payload, hook_server, alert_settings
):
    alert_settings.AIRUDDER_ALERT_EMAILS = []
    alert_settings.AIRUDDER_ALERT_WEBHOOK_URL = f"http://127.0.0.1:{hook_server.server_port}/hook"
    _fail(endpoint, chat_payload, 3)

    alerts_check()

    [(content_type, body)] = _Hook.received
    assert content_type == "application/json"
    text = json.loads(body)["text"]
    assert text.startswith("ALERT failures")
    assert chat_payload["callee"] not in text
    assert not mail.outbox


@pytest.mark.django_db
def test_a_webhook_that_fails_is_logged_not_raised(endpoint, chat_payload, alert_settings, caplog):
    alert_settings.AIRUDDER_ALERT_WEBHOOK_URL = "http://127.0.0.1:1/secret-hook-path"
    _fail(endpoint, chat_payload, 3)

    assert alerts_check()["opened"] == ["failures"]

    assert len(mail.outbox) == 1  # email still sent
    assert "ALERT failures: 3 webhook events failed" in caplog.text
    assert "alert webhook could not be posted" in caplog.text
    assert "secret-hook-path" not in caplog.text


@pytest.mark.django_db
def test_the_command_and_the_beat_schedule(endpoint, chat_payload, settings):
    assert any(
        entry["task"] == "integrations.tasks.check_alerts"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
    _fail(endpoint, chat_payload, 3)
    out = io.StringIO()
    call_command("check_alerts", "--dry-run", stdout=out)
    assert "FIRING failures" in out.getvalue()
    assert not AlertIncident.objects.exists()

    call_command("check_alerts", stdout=out)
    assert "Opened failures" in out.getvalue()
    assert AlertIncident.objects.filter(key="failures", resolved_at=None).exists()


@pytest.mark.django_db
def test_the_task_runs_the_check(endpoint, chat_payload):
    _fail(endpoint, chat_payload, 3)
    assert check_alerts.delay().get() == {"opened": ["failures"], "resolved": []}


@pytest.mark.django_db
def test_the_inbox_page_shows_what_fires(endpoint, chat_payload, admin_client):
    _fail(endpoint, chat_payload, 3)
    alerts_check()

    incidents = list(admin_client.get("/dashboard/inbox/").context["incidents"])

    assert [(i.key, i.resolved_at) for i in incidents] == [("failures", None)]
    assert "firing" in admin_client.get("/dashboard/inbox/").content.decode()
