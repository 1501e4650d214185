"""Payload drift: what AI Rudder adds to its notifications shows up, once per field, the day it
arrives, without keeping any customer text."""

import pytest

from calls_app.kinds import CALL_RESULT
from integrations.models import PayloadDrift, WebhookEvent
from operations import drift
from sessions_app.kinds import CHATBOT_SESSION_END

CHAT = CHATBOT_SESSION_END.slug
CALL = CALL_RESULT.slug


def _drift(kind: str) -> dict[str, PayloadDrift]:
    return {entry.path: entry for entry in PayloadDrift.objects.filter(kind=kind)}


@pytest.mark.django_db
def test_the_documented_examples_are_not_drift(deliver, chat_payload, call_payload):
    deliver(CHAT, chat_payload)
    deliver(CALL, call_payload)

    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    assert not PayloadDrift.objects.exists()


@pytest.mark.django_db
def test_a_new_field_is_recorded_by_its_path_without_its_text(deliver, chat_payload):
    chat_payload["messages"][2]["content"]["reaction"] = {"emoji": "👍", "msg_id": "x"}
    chat_payload["customer_note"] = "Ibu Siti, 0812-3456-7890"
    chat_payload["score"] = 0.75

    deliver(CHAT, chat_payload)

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PROCESSED  # drift never fails an event
    drift = _drift(CHAT)
    # one entry for the new object, not one per key below it
    assert set(drift) == {"messages[].content.reaction", "customer_note", "score"}
    reaction = drift["messages[].content.reaction"]
    assert (reaction.json_type, reaction.count, reaction.last_event_id) == ("object", 1, event.pk)
    note = drift["customer_note"]
    assert note.json_type == "string"
    assert "Siti" not in note.example and "0812" not in note.example
    assert note.example == "24 characters"
    assert (drift["score"].json_type, drift["score"].example) == ("number", "0.75")


@pytest.mark.django_db
def test_the_same_field_again_is_counted_on_one_row(deliver, chat_payload):
    chat_payload["customer_note"] = "a"
    deliver(CHAT, chat_payload)
    first = PayloadDrift.objects.get()

    chat_payload["call_id"] = "another-conversation"
    chat_payload["customer_note"] = "longer text"
    deliver(CHAT, chat_payload)

    entry = PayloadDrift.objects.get()
    assert entry.count == 2
    assert entry.first_seen_at == first.first_seen_at
    assert entry.last_seen_at >= first.last_seen_at
    assert entry.example == "11 characters"
    assert entry.last_event_id == WebhookEvent.objects.order_by("-pk").first().pk


@pytest.mark.django_db
def test_customer_configured_objects_never_drift(deliver, chat_payload, call_payload):
    chat_payload["variables"]["loan_id"] = "L-1"
    chat_payload["ner_slots"]["new_slot"] = {"any": "shape"}
    chat_payload["event_label"]["Promise"] = "1"
    call_payload["custom_attribute"]["region"] = "east"
    call_payload["callee"]["extend"]["something"] = {"deep": [1, 2]}
    call_payload["callee"]["extra"].append({"Question": "q", "Content": "c", "More": 1})
    call_payload["call"]["multi_label"]["New_Label"] = 1
    call_payload["call"]["ner_slots"]["Other"] = "x"

    deliver(CHAT, chat_payload)
    deliver(CALL, call_payload)

    assert not PayloadDrift.objects.exists()


@pytest.mark.django_db
def test_a_new_enum_value_is_drift_named_by_its_value(deliver, chat_payload, call_payload):
    chat_payload["session_end_reason"] = "timeout"
    chat_payload["messages"][3]["content"]["type"] = "reaction"
    call_payload["call"]["hangup_type"] = "ByNetwork"
    call_payload["call"]["ring_type"] = "a sentence, not an enum value"

    deliver(CHAT, chat_payload)
    deliver(CALL, call_payload)

    assert {"session_end_reason=timeout", "messages[].content.type=reaction"} <= set(_drift(CHAT))
    # free text in an enum field is not kept, only that the value is unknown
    assert set(_drift(CALL)) == {"call.hangup_type=ByNetwork", "call.ring_type=?"}


@pytest.mark.django_db
def test_a_payload_with_thousands_of_new_keys_costs_a_bounded_number_of_rows(deliver, call_payload):
    for index in range(2000):
        call_payload[f"new_{index}"] = index

    deliver(CALL, call_payload)

    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED
    assert PayloadDrift.objects.count() == 50


@pytest.mark.django_db
def test_failed_events_record_no_drift(deliver, chat_payload):
    chat_payload["new_field"] = 1
    chat_payload["session_start_time"] = "not a time"

    deliver(CHAT, chat_payload)

    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED
    assert not PayloadDrift.objects.exists()


@pytest.mark.django_db
def test_drift_shows_on_the_inbox_page(deliver, chat_payload, admin_client):
    chat_payload["messages"][0]["content"]["reaction"] = {"emoji": "x"}
    deliver(CHAT, chat_payload)

    page = admin_client.get("/dashboard/inbox/").content.decode()

    assert "messages[].content.reaction" in page
    assert CHATBOT_SESSION_END.label in page


@pytest.mark.django_db
def test_a_drift_record_that_breaks_never_fails_the_event(
    deliver, chat_payload, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(drift, "_upsert", broken)
    chat_payload["new_field"] = 1

    deliver(CHAT, chat_payload)

    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED
    assert "payload drift of webhook event" in caplog.text
