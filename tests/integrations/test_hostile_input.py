"""Hostile values delivered through the real webhook URLs: stored, then failed naming a field."""

import json

import pytest

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult
from integrations.models import WebhookEvent
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT, CALL = CHATBOT_SESSION_END.slug, CALL_RESULT.slug
pytestmark = pytest.mark.django_db


def _failed_event(field: str) -> WebhookEvent:
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.error.startswith(f"{field}: "), event.error
    assert event.traceback == ""
    return event


@pytest.mark.parametrize("key", ["session_start_time", "session_end_time"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_session_time_python_cannot_put_in_utc_is_not_stored(
    deliver, chat_payload, admin_client, key, value
):
    chat_payload[key] = value

    assert deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="").status_code == 200

    _failed_event(key)
    assert not ChatSession.objects.exists()
    assert admin_client.get("/api/sessions/").status_code == 200
    assert admin_client.get("/admin/sessions_app/chatsession/").status_code == 200


def test_call_time_out_of_range_is_not_stored(deliver, call_payload):
    call_payload["call"]["call_end_time"] = "9999-12-31 23:59:59"

    assert deliver(CALL, call_payload).status_code == 200

    _failed_event("call.call_end_time")
    assert not CallResult.objects.exists()


# --- Values no column can hold: the raw bytes are stored first, then the event fails -----------


def _raw(payload: dict, marker: str, raw_value: str) -> bytes:
    """The payload's JSON with the string ``marker`` replaced by ``raw_value``, verbatim."""
    body = json.dumps(payload)
    assert f'"{marker}"' in body
    return body.replace(f'"{marker}"', raw_value).encode()


def _set(payload: dict, path: list, value) -> dict:
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


STORED_THEN_FAILED = [
    # (kind, path in the example, value, field the error names)
    (CHAT, ["call_id"], "\ud800", "call_id"),
    (CHAT, ["call_id"], "a3f5\x00c12", "call_id"),
    (CHAT, ["messages", 3, "msg_id"], "m\x00", "messages[3].msg_id"),
    (CHAT, ["messages", 3, "content", "text"], "hello\x00world", "messages[3].content.text"),
    (CHAT, ["messages", 2, "reply", "sender_type"], "\udfff", "messages[2].reply.sender_type"),
    (CHAT, ["ner_slots", "test_echo"], "ok\x00", "ner_slots.test_echo"),
    (CHAT, ["event_label"], {"Event\x00Label": "1"}, "event_label['Event\\x00Label']"),
    (CHAT, ["variables", "name"], "\ud83d", "variables.name"),
    (CHAT, ["talk_round"], "--1", "talk_round"),
    (CHAT, ["talk_round"], 2**31, "talk_round"),
    (CHAT, ["timestamp"], 2**64, "timestamp"),
    (CHAT, ["messages", 0, "timestamp"], "9" * 40, "messages[0].timestamp"),
    (CALL, ["call", "call_id"], "\x00", "call.call_id"),
    (CALL, ["node_id"], "\ud800", "node_id"),
    (CALL, ["call", "asr_result", 0, "text"], "no\x00", "call.asr_result[0].text"),
    (CALL, ["callee", "extend", "variables", "extra_d"], "\x00", "callee.extend.variables.extra_d"),
    (CALL, ["callee", "extra", 0, "Content"], "\ud800", "callee.extra[0].Content"),
    (CALL, ["callee", "unread"], "\x00", "callee.unread"),  # the contact is kept whole
    (CALL, ["custom_attribute", "a"], "\x00", "custom_attribute.a"),
    (CALL, ["call", "multi_label", "A0"], "\x00", "call.multi_label.A0"),
    (CALL, ["call", "ner_slots", "PaymentTime"], "\ud800", "call.ner_slots.PaymentTime"),
    (CALL, ["call", "ring_time"], 2**64, "call.ring_time"),
    (CALL, ["call", "call_times"], "--2", "call.call_times"),
    (CALL, ["call", "redial_call", 1, "ring_time"], -(2**40), "call.redial_call[1].ring_time"),
]


@pytest.mark.parametrize(("kind", "path", "value", "field"), STORED_THEN_FAILED)
def test_unstorable_value_is_stored_raw_then_fails_naming_the_field(
    deliver, chat_payload, call_payload, admin_client, kind, path, value, field
):
    payload = _set(chat_payload if kind == CHAT else call_payload, path, value)
    body = json.dumps(payload).encode()

    response = deliver(kind, body, HTTP_X_AIRUDDER_SIGN="")

    assert response.status_code == 200
    event = _failed_event(field)
    assert bytes(event.body) == body
    assert not ChatSession.objects.exists() and not CallResult.objects.exists()
    assert admin_client.get("/admin/integrations/webhookevent/").status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        "a\x00b",
        "\ud800",
    ],
)
def test_event_page_shows_a_body_with_an_unstorable_value(
    deliver, chat_payload, admin_client, value
):
    chat_payload["call_id"] = value
    deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")
    event = WebhookEvent.objects.get()

    response = admin_client.get(f"/admin/integrations/webhookevent/{event.pk}/change/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("raw_value", "problem"),
    [
        ("NaN", "NaN is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
        ("1e999", "1e999 is too large for a float"),
        ("9" * 5000, "an integer of 5000 digits is too large (at most 100)"),
    ],
)
@pytest.mark.parametrize("kind", [CHAT, CALL])
def test_number_json_cannot_keep_is_a_stored_body_error(
    deliver, chat_payload, call_payload, kind, raw_value, problem
):
    payload = chat_payload if kind == CHAT else call_payload
    _set(payload, ["custom_attribute"] if kind == CALL else ["talk_round"], "MARKER")
    body = _raw(payload, "MARKER", raw_value)

    response = deliver(kind, body, HTTP_X_AIRUDDER_SIGN="")

    assert response.status_code == 400
    field = "custom_attribute" if kind == CALL else "talk_round"
    assert response.json()["error"] == f"{field}: {problem}"
    event = WebhookEvent.objects.get()
    assert bytes(event.body) == body
    assert event.status == WebhookEvent.Status.FAILED
    assert event.traceback == ""


def test_same_unstorable_id_twice_is_one_event(deliver, chat_payload):
    chat_payload["call_id"] = "\x00"

    deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")
    deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")

    event = WebhookEvent.objects.get()
    assert event.dedup_key.startswith("sha256:")
    assert event.delivery_count == 2


# --- Shapes the chat session's own reading relied on ------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        # message 0 is a system message ("conversation.start"), message 2 replies to message 1
        (
            ["messages", 0, "content", "system"],
            "conversation.take_over",
            "messages[0].content.system",
        ),
        (
            ["messages", 0, "content", "system"],
            ["conversation.take_over"],
            "messages[0].content.system",
        ),
        (["messages", 0, "content", "system"], 7, "messages[0].content.system"),
        (["messages", 2, "reply", "msg_id"], ["05b1de12037"], "messages[2].reply.msg_id"),
        (["messages", 2, "reply", "msg_id"], {"id": 1}, "messages[2].reply.msg_id"),
    ],
)
def test_chat_shape_that_named_no_field_now_names_it(deliver, chat_payload, path, value, field):
    _set(chat_payload, path, value)

    assert deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="").status_code == 200

    _failed_event(field)
    assert not ChatSession.objects.exists()


def test_a_numeric_reply_msg_id_links_the_quoted_message(deliver, chat_payload):
    chat_payload["messages"][1]["msg_id"] = 12345
    chat_payload["messages"][2]["reply"]["msg_id"] = 12345

    deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")

    reply = ChatSession.objects.get().messages.get(position=2)
    assert reply.reply_to.msg_id == "12345"
