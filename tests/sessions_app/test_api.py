"""The chat sessions' API; what it shares with the calls' API is in tests/integrations."""

from tests.outcomes_dataset import FULL_NAME, FULL_NUMBER


def test_detail_has_its_messages_in_payload_order(client, dataset, manager):
    client.force_login(manager)
    session = client.get("/api/sessions/chat-002/").json()
    assert session["handed_over"] is True
    assert session["message_count"] == len(session["messages"]) == 16
    assert [m["position"] for m in session["messages"]] == list(range(16))
    assert sum(1 for m in session["messages"] if m["reply"]) == 3


def test_number_and_shared_contacts_are_masked_without_the_permission(client, dataset, manager):
    client.force_login(manager)
    listed = client.get("/api/sessions/?callee=%2B6281234569092").json()["results"]
    detail = client.get("/api/sessions/chat-001/").json()
    assert [row["callee"] for row in listed] == ["+62•••••••9092"]
    assert detail["callee"] == "+62•••••••9092"
    contacts = next(m for m in detail["messages"] if m["content_type"] == "contacts")
    assert contacts["content"]["contacts"] == [
        {"name": "W••• S••••", "phone_number": "+62•••••••9092"}
    ]
    assert contacts["text"] == "W••• S•••• +62•••••••9092"
    assert FULL_NUMBER not in str(listed) + str(detail)
    assert FULL_NAME not in str(detail)


def test_number_and_contacts_are_shown_with_the_permission(client, dataset, manager_with_details):
    client.force_login(manager_with_details)
    detail = client.get("/api/sessions/chat-001/").json()
    assert detail["callee"] == FULL_NUMBER
    contacts = next(m for m in detail["messages"] if m["content_type"] == "contacts")
    assert contacts["content"]["contacts"][0]["phone_number"] == FULL_NUMBER
    assert contacts["text"] == f"{FULL_NAME} {FULL_NUMBER}"
