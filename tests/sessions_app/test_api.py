import pytest

from tests import outcomes_dataset
from tests.outcomes_dataset import (
    FULL_NAME,
    FULL_NUMBER,
    SESSION_CASES,
    api_pages,
    query,
    user_with,
)

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager
manager_with_details = outcomes_dataset.manager_with_details


@pytest.mark.parametrize("case", SESSION_CASES)
def test_list_filters_like_the_filterset(client, dataset, manager, case):
    params, predicate = SESSION_CASES[case]
    client.force_login(manager)
    rows = api_pages(client, f"/api/sessions/?{query(params)}")
    assert {row["call_id"] for row in rows} == dataset.session_ids(predicate)


def test_list_pages_newest_first_through_every_session(client, dataset, manager):
    client.force_login(manager)
    rows = api_pages(client, "/api/sessions/?page_size=2")
    assert sorted(row["call_id"] for row in rows) == sorted(s["call_id"] for s in dataset.sessions)
    ended = [row["ended_at"] for row in rows if row["ended_at"]]
    assert ended == sorted(ended, reverse=True)


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


def test_queries_do_not_grow_with_rows(client, dataset, manager, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(6):
        client.get("/api/sessions/")
    with django_assert_max_num_queries(7):  # + the messages (with their quoted messages)
        client.get("/api/sessions/chat-001/")


def test_needs_the_view_permission(client, dataset):
    client.force_login(user_with("calls-only", "calls_app.view_callresult"))
    assert client.get("/api/sessions/").status_code == 403
    assert client.get("/api/sessions/chat-001/").status_code == 403


def test_anonymous_is_refused(client, dataset):
    assert client.get("/api/sessions/").status_code in (401, 403)
