"""A failure that can never succeed is dismissed with a reason (audited) and leaves the failure
counts and alerts; an unusable body's error reads the same before and after a replay."""

import importlib
import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from integrations.models import WebhookEvent
from integrations.replay import webhook_event_replay
from operations import inbox
from operations.alerts import failures_condition
from privacy.models import AuditEntry
from sessions_app.kinds import CHATBOT_SESSION_END
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

CHAT = CHATBOT_SESSION_END.slug
EVENTS_URL = "/admin/integrations/webhookevent/"


@pytest.fixture
def not_json(deliver):
    """Two deliveries whose bodies will never be JSON: failed on receipt."""
    for body in ("{not json", "{still not json"):
        assert deliver(CHAT, body).status_code == 400
    return list(WebhookEvent.objects.order_by("pk"))


def _dismiss(client, events, reason="AI Rudder's test pushes, not real data", **extra):
    data = {"action": "dismiss", "_selected_action": [e.pk for e in events], **extra}
    if reason is not None:
        data |= {"confirm": "yes", "dismiss_reason": reason}
    return client.post(EVENTS_URL, data)


def test_the_action_asks_why_first(admin_client, not_json):
    page = _dismiss(admin_client, not_json, reason=None)

    assert page.status_code == 200
    assert "Reason (required)" in page.content.decode()
    assert "2 failed events will be set aside" in page.content.decode()
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"failed"}


def test_without_a_reason_nothing_is_dismissed(admin_client, not_json):
    page = _dismiss(admin_client, not_json, reason="   ")

    assert "Say why these failures are dismissed." in page.content.decode()
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"failed"}


def test_dismissed_with_its_reason_and_audited(admin_client, admin_user, not_json):
    response = _dismiss(admin_client, not_json)

    assert response.status_code == 302
    for event in WebhookEvent.objects.all():
        assert event.status == WebhookEvent.Status.DISMISSED
        assert event.dismiss_reason == "AI Rudder's test pushes, not real data"
        assert event.dismissed_at is not None
    entries = AuditEntry.objects.filter(action="dismiss_event").order_by("object_id")
    assert [e.object_id for e in entries] == [str(e.pk) for e in not_json]
    assert entries[0].user == admin_user
    assert entries[0].details["reason"] == "AI Rudder's test pushes, not real data"


def test_dismissed_events_leave_the_failure_counts_and_alert(admin_client, not_json, settings):
    settings.AIRUDDER_ALERT_FAILURES_THRESHOLD = 1
    now = timezone.now()
    assert failures_condition(now).firing
    assert inbox.failures_by_error()[0]["events"] == 2

    _dismiss(admin_client, not_json)

    assert not failures_condition(now).firing
    assert inbox.failures_since(now - timedelta(hours=1)) == 0
    assert inbox.failures_by_error() == []
    assert not inbox.events_with_first_line(not_json[0].error).exists()


def test_metrics_show_them_apart(admin_client, client, not_json, settings):
    settings.AIRUDDER_METRICS_TOKEN = "t"
    _dismiss(admin_client, not_json[:1])

    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer t").content.decode()
    statuses = {
        sample.labels["status"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "airudder_webhook_events"
    }
    assert statuses == {"dismissed": 1, "failed": 1}


def test_only_failed_events_are_dismissed(admin_client, deliver, chat_payload, not_json):
    deliver(CHAT, chat_payload)
    processed = WebhookEvent.objects.get(status="processed")

    _dismiss(admin_client, [*not_json, processed])

    processed.refresh_from_db()
    assert processed.status == "processed" and processed.dismiss_reason == ""
    assert AuditEntry.objects.filter(action="dismiss_event").count() == 2


def test_the_action_needs_the_process_permission(client, not_json):
    client.force_login(user_with("viewer", "integrations.view_webhookevent"))

    _dismiss(client, not_json)

    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"failed"}
    assert not AuditEntry.objects.filter(action="dismiss_event").exists()


def test_a_dismissed_event_can_still_be_processed_again(admin_client, not_json):
    _dismiss(admin_client, not_json[:1])

    assert webhook_event_replay(event_id=not_json[0].pk).event.status == "failed"


def test_process_events_all_leaves_dismissed_ones(admin_client, not_json):
    _dismiss(admin_client, not_json)
    out = io.StringIO()

    call_command("process_events", "--status", "all", stdout=out)

    assert "Processed 0 event(s)" in out.getvalue()
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"dismissed"}


@pytest.mark.parametrize(
    "body",
    ["{not json", b"\xff\xfe", "[1, 2]", '{"a": NaN}', '{"n": ' + "9" * 200 + "}"],
    ids=["invalid", "not-utf8", "array", "nan", "long-integer"],
)
def test_an_unusable_body_reads_the_same_after_a_replay(deliver, body):
    response = deliver(CHAT, body)
    event = WebhookEvent.objects.get()
    on_receipt = event.error

    replayed = webhook_event_replay(event_id=event.pk).event

    assert replayed.status == "failed"
    assert replayed.error == on_receipt == response.json()["error"]
    assert [group["events"] for group in inbox.failures_by_error()] == [1]


def test_one_group_for_a_failure_replayed_and_one_not(deliver):
    deliver(CHAT, "{not json")
    deliver(CHAT, "{not json either")  # the same first line: "… Expecting property name …"
    first = WebhookEvent.objects.order_by("pk").first()

    webhook_event_replay(event_id=first.pk)

    assert [group["events"] for group in inbox.failures_by_error()] == [2]


def test_the_migration_rewords_errors_stored_by_earlier_replays(deliver):
    deliver(CHAT, "{not json")
    deliver(CHAT, "[1]")
    old = {
        "body: is not valid JSON: Expecting property name enclosed in double quotes at line 1 "
        "column 2",
        "body: must be a JSON object, got list",
    }
    for event, error in zip(WebhookEvent.objects.order_by("pk"), sorted(old), strict=True):
        WebhookEvent.objects.filter(pk=event.pk).update(error=error)
    migration = importlib.import_module("integrations.migrations.0011_dismissed_events")

    migration.body_errors_as_received(apps, None)

    assert set(WebhookEvent.objects.values_list("error", flat=True)) == {
        "body is not valid JSON: Expecting property name enclosed in double quotes at line 1 "
        "column 2",
        "body must be a JSON object, got list",
    }
    assert json.dumps(inbox.failures_by_error(), default=str).count('"events": 1') == 2
