"""The demo chat sessions: varied enough to show every part of the admin, and repeatable."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from demo.account import WORKFLOWS
from demo.chats import GENERATED, demo_chat_payloads
from sessions_app.models import ChatSession
from sessions_app.services import chat_session_record

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def payloads():
    return demo_chat_payloads(now=NOW)


def test_starts_with_ai_rudders_example_unchanged(payloads, chat_payload):
    assert payloads[0] == chat_payload
    assert len(payloads) == GENERATED + 1


def test_same_conversations_whenever_it_runs_only_times_follow_now(payloads):
    later = demo_chat_payloads(now=NOW + timedelta(days=3))

    assert [p["call_id"] for p in later] == [p["call_id"] for p in payloads]
    contents = [[m["content"] for m in p["messages"]] for p in payloads]
    assert [[m["content"] for m in p["messages"]] for p in later] == contents
    assert later[5]["timestamp"] == payloads[5]["timestamp"] + 3 * 86400


def test_generated_conversations_ended_in_the_last_14_days_many_in_the_last_7(payloads):
    ends = [datetime.fromisoformat(p["session_end_time"]) for p in payloads[1:]]

    assert all(NOW - timedelta(days=14) < end < NOW for end in ends)
    assert sum(end > NOW - timedelta(days=7) for end in ends) >= 10
    for payload in payloads[1:]:
        start = datetime.fromisoformat(payload["session_start_time"])
        stamps = [m["timestamp"] for m in payload["messages"]]
        assert start.timestamp() <= min(stamps) <= max(stamps) <= payload["timestamp"]


def test_covers_workflows_end_reasons_hand_overs_and_content_types(payloads):
    generated = payloads[1:]
    types = Counter(m["content"]["type"] for p in payloads for m in p["messages"])

    assert {p["workflow_id"] for p in generated} == {w.workflow_id for w in WORKFLOWS}
    assert {p["session_end_reason"] for p in generated} == {
        "robot", "user", "agent", "expire", "error"
    }  # fmt: skip
    assert len({p["intention"] for p in generated}) >= 8
    handed = [p for p in generated if any(m["sender_type"] == "agent" for m in p["messages"])]
    assert 3 <= len(handed) < len(generated) / 2
    assert set(types) >= {
        "system", "template", "text", "button", "interactive", "image", "file", "location",
        "contacts", "sticker", "reaction",
    }  # fmt: skip
    interactive = [
        m["content"]["interactive"]["type"]
        for p in generated
        for m in p["messages"]
        if "interactive" in m["content"]
    ]
    assert set(interactive) == {"button", "list"}


@pytest.mark.django_db
def test_every_conversation_is_recorded_with_its_replies_linked(payloads):
    for payload in payloads:
        chat_session_record(payload=payload)

    assert ChatSession.objects.count() == GENERATED + 1
    session = ChatSession.objects.get(call_id=payloads[1]["call_id"])
    assert session.message_count == len(payloads[1]["messages"])
    quoting = session.messages.exclude(reply=None)
    assert quoting.exists()
    assert all(m.reply_to_id for m in quoting)
    assert ChatSession.objects.filter(handed_over=True).count() >= 3
