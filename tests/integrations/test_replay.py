"""Processing an event again shows what it changed in the records it is about."""

import pytest
from django.urls import reverse

from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.replay import changes_between, webhook_event_replay

pytestmark = pytest.mark.django_db


def test_a_corrected_time_zone_shows_the_call_times_that_moved(deliver, call_payload, endpoint):
    deliver("call_result", call_payload)
    event = WebhookEvent.objects.get()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(timezone="Asia/Manila")  # UTC+8

    replay = webhook_event_replay(event_id=event.pk)

    changed = {label: (before, after) for label, before, after in replay.changes}
    assert set(changed) == {"started_at", "ended_at", "time_zone"}
    assert changed["time_zone"] == ("Asia/Jakarta", "Asia/Manila")
    assert replay.event.status == WebhookEvent.Status.PROCESSED
    event.refresh_from_db()
    assert event.replay_changes == replay.changes


def test_nothing_changed_is_said_so(deliver, chat_payload):
    deliver("chatbot_session_end", chat_payload)

    replay = webhook_event_replay(event_id=WebhookEvent.objects.get().pk)

    assert replay.changes == []


def test_a_failed_event_fixed_shows_the_records_it_now_makes(deliver, call_payload, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(timezone="Mars/Olympus")
    deliver("call_result", call_payload)
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(timezone="Asia/Jakarta")

    replay = webhook_event_replay(event_id=event.pk)

    labels = [label for label, before, _ in replay.changes if before == ""]
    assert f"call {call_payload['call']['call_id']}" in labels
    assert "transcript turns" in labels


def test_the_snapshot_names_no_customer(deliver, chat_payload, call_payload):
    deliver("chatbot_session_end", chat_payload)
    deliver("call_result", call_payload)
    from calls_app.selectors import call_result_snapshot
    from sessions_app.selectors import chat_session_snapshot

    text = " ".join(
        [
            *chat_session_snapshot(chat_payload).values(),
            *call_result_snapshot(call_payload).values(),
        ]
    )
    assert chat_payload["callee"] not in text
    assert call_payload["callee"]["callee_number"] not in text
    assert call_payload["callee"]["callee_name"] not in text


def test_the_event_page_shows_the_changes_after_process_again(
    admin_client, deliver, call_payload, endpoint
):
    deliver("call_result", call_payload)
    event = WebhookEvent.objects.get()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(timezone="Asia/Manila")

    response = admin_client.post(
        reverse("admin:integrations_webhookevent_process", args=[event.pk]), follow=True
    )

    html = response.content.decode()
    assert "The records of 1 changed" in html
    assert "Asia/Manila" in html and "Asia/Jakarta" in html


def test_changes_between_lists_added_removed_and_changed_labels():
    assert changes_between({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == [
        ["b", "2", "3"],
        ["c", "", "4"],
    ]
    assert changes_between({"a": "1"}, {}) == [["a", "1", ""]]
