"""Recording chatbot session-end notifications: one test per distinct condition of the payload."""

import datetime as dt

import pytest

from integrations.models import Workflow
from records.payloads import PayloadError
from sessions_app.models import ChatMessage, ChatSession
from sessions_app.services import chat_session_record

pytestmark = pytest.mark.django_db


def test_example_is_one_session_with_its_16_messages_in_payload_order(chat_payload):
    session = chat_session_record(payload=chat_payload)

    messages = list(session.messages.all())
    assert [m.msg_id for m in messages] == [m["msg_id"] for m in chat_payload["messages"]]
    assert [m.position for m in messages] == list(range(16))
    # The example's timestamps go back and forth; payload order is kept regardless.
    times = [m.sent_at for m in messages]
    assert times != sorted(times)
    assert messages[0].content_type == "system"
    assert messages[1].sender_type == "chatbot"
    assert messages[1].content_type == "template"
    assert messages[-1].content["system"]["type"] == "conversation.close"


def test_example_fields_are_recorded(chat_payload):
    session = chat_session_record(payload=chat_payload)

    assert session.call_id == "a3f5c12ac59xxxxxxxxad71fe6a8ea3e"
    assert session.workflow == Workflow.objects.get(workflow_id=chat_payload["workflow_id"])
    assert session.workflow.name == "0970_0415_1"
    assert session.callee == "+6289xxxxxxxx89092"
    assert session.channel == "WhatsApp"
    assert session.intention == "E"
    assert session.end_reason == "robot"
    assert session.talk_round == 3
    assert session.ner_slots == {"test_echo": "okhhhhh"}
    assert session.event_label == {"EventLabel": "1"}
    assert session.variables["project"] == "voicebot"
    assert session.started_at == dt.datetime(2025, 4, 15, 6, 41, tzinfo=dt.UTC)
    assert session.notified_at == dt.datetime.fromtimestamp(1744699269, tz=dt.UTC)
    assert session.message_count == 16


def test_duration_is_end_minus_start_in_seconds(chat_payload):
    chat_payload["session_start_time"] = "2025-04-15T06:41:00Z"
    chat_payload["session_end_time"] = "2025-04-15T07:43:05Z"

    assert chat_session_record(payload=chat_payload).duration_seconds == 3725


def test_duration_is_unknown_without_an_end_time(chat_payload):
    del chat_payload["session_end_time"]

    assert chat_session_record(payload=chat_payload).duration_seconds is None


def test_start_time_without_offset_is_read_as_utc(chat_payload):
    chat_payload["session_start_time"] = "2025-04-15T06:41:00"

    session = chat_session_record(payload=chat_payload)

    assert session.started_at == dt.datetime(2025, 4, 15, 6, 41, tzinfo=dt.UTC)
    assert session.duration_seconds == 9


def test_newer_notification_replaces_the_session_and_its_messages(chat_payload):
    first = chat_session_record(payload=chat_payload)
    chat_payload["timestamp"] += 60
    chat_payload["intention"] = "F"
    chat_payload["workflow_name"] = "renamed"
    chat_payload["messages"] = chat_payload["messages"][13:15]

    session = chat_session_record(payload=chat_payload)

    assert session.pk == first.pk
    assert ChatSession.objects.count() == 1
    session.refresh_from_db()
    assert session.intention == "F"
    assert session.message_count == 2
    assert [m.text for m in session.messages.all()] == ["hi", "bye"]
    assert ChatMessage.objects.count() == 2
    assert session.workflow.name == "renamed"


@pytest.mark.parametrize("delta", [-60, 0], ids=["older", "same-timestamp"])
def test_older_or_equal_notification_changes_nothing(chat_payload, delta):
    chat_session_record(payload=chat_payload)
    stale = {**chat_payload, "timestamp": chat_payload["timestamp"] + delta, "intention": "Z"}
    stale["messages"] = chat_payload["messages"][:1]

    chat_session_record(payload=stale)

    session = ChatSession.objects.get()
    assert session.intention == "E"
    assert session.messages.count() == 16


def test_unknown_content_type_is_kept_with_its_text(chat_payload):
    chat_payload["messages"].append(
        {
            "msg_id": "m-order",
            "sender_type": "user",
            "timestamp": 1720160400,
            "status": "read",
            "content": {"type": "order", "order": {"catalog_id": "c1", "text": "two pizzas"}},
        }
    )

    session = chat_session_record(payload=chat_payload)

    message = session.messages.get(msg_id="m-order")
    assert message.position == 16
    assert message.content_type == "order"
    assert message.content["order"]["catalog_id"] == "c1"
    assert "two pizzas" in message.text


def test_plain_text_of_the_example_contents(chat_payload):
    session = chat_session_record(payload=chat_payload)
    texts = {m.content_type: m.text for m in session.messages.all()}

    assert "welcome" in texts["template"]
    assert "welcome_to_Earth.pdf" in texts["file"]
    assert "31.178762435913, 121.40837097168" in texts["location"]
    assert "+86xxxxxxxx7425" in texts["contacts"]


def _without_agent(payload: dict) -> dict:
    payload["session_end_reason"] = "robot"
    payload["messages"] = [
        m
        for m in payload["messages"]
        if m["sender_type"] != "agent"
        and m["content"].get("system", {}).get("type") != "conversation.take_over"
    ]
    return payload


def test_not_handed_over_without_take_over_agent_or_agent_end(chat_payload):
    session = chat_session_record(payload=_without_agent(chat_payload))

    assert session.handed_over is False


def test_handed_over_when_a_take_over_event_is_in_the_messages(chat_payload):
    payload = _without_agent(chat_payload)
    payload["messages"].append(
        {
            "msg_id": "t1",
            "sender_type": "system",
            "timestamp": 1720160321,
            "status": "delivery",
            "content": {"type": "system", "system": {"type": "conversation.take_over"}},
        }
    )

    assert chat_session_record(payload=payload).handed_over is True


def test_handed_over_when_an_agent_writes(chat_payload):
    payload = _without_agent(chat_payload)
    payload["messages"].append(
        {"msg_id": "a1", "sender_type": "agent", "content": {"type": "text", "text": "hello"}}
    )

    assert chat_session_record(payload=payload).handed_over is True


def test_handed_over_when_the_agent_ended_the_session(chat_payload):
    payload = _without_agent(chat_payload)
    payload["session_end_reason"] = "agent"

    assert chat_session_record(payload=payload).handed_over is True


def test_reply_is_linked_to_the_quoted_message_of_the_session(chat_payload):
    # The example masks ids differently in the quote; here the quote names the template's id.
    template_id = chat_payload["messages"][1]["msg_id"]
    chat_payload["messages"][2]["reply"]["msg_id"] = template_id

    session = chat_session_record(payload=chat_payload)

    reply = session.messages.get(position=2)
    assert reply.reply_to == session.messages.get(position=1)
    assert reply.reply["content"]["type"] == "template"


def test_reply_to_a_message_not_in_the_session_keeps_the_quote_unlinked(chat_payload):
    session = chat_session_record(payload=chat_payload)

    reply = session.messages.get(position=2)
    assert reply.reply_to is None
    assert reply.reply["msg_id"] == "05b1de12037xxxxxxxx64432e9a"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_call_id_is_an_error_naming_the_field(chat_payload, value):
    chat_payload["call_id"] = value

    with pytest.raises(PayloadError) as error:
        chat_session_record(payload=chat_payload)

    assert error.value.field == "call_id"
    assert not ChatSession.objects.exists()


def test_bad_session_start_time_is_an_error_naming_the_field(chat_payload):
    chat_payload["session_start_time"] = "15/04/2025 06:41"

    with pytest.raises(PayloadError) as error:
        chat_session_record(payload=chat_payload)

    assert error.value.field == "session_start_time"
    assert "15/04/2025 06:41" in str(error.value)
    assert not ChatSession.objects.exists()


def test_bad_message_field_is_an_error_naming_its_path(chat_payload):
    chat_payload["messages"][5]["content"] = "a file"

    with pytest.raises(PayloadError) as error:
        chat_session_record(payload=chat_payload)

    assert error.value.field == "messages[5].content"
    assert not Workflow.objects.exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("intention",), "intention"),
        (("session_end_reason",), "session_end_reason"),
        (("messages", 2, "sender_type"), "messages[2].sender_type"),
        (("messages", 4, "content", "type"), "messages[4].content.type"),
    ],
)
def test_value_too_long_for_its_column_is_an_error_naming_the_field(chat_payload, path, field):
    # PostgreSQL would refuse it with an error naming no field; SQLite would store it whole.
    target = chat_payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "x" * 300

    with pytest.raises(PayloadError) as error:
        chat_session_record(payload=chat_payload)

    assert error.value.field == field
    assert "longer than" in error.value.problem
    assert not ChatSession.objects.exists()
