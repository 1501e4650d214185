"""A customer's history: every call and chat session of a number or case id, newest first."""

import copy
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from calls_app.services import call_result_record
from customers.selectors import customer_history
from customers.views import customer_history_url
from sessions_app.services import chat_session_record

pytestmark = pytest.mark.django_db

HISTORY_URL = "/admin/customers/history/"
NUMBER = "+6281234567890"


@pytest.fixture
def make_call(call_payload):
    def _make(
        call_id, *, started, number=NUMBER, contact=NUMBER, case_id="CASE-1", workflow="wf-1"
    ):
        payload = copy.deepcopy(call_payload)
        payload["workflow_id"], payload["workflow_name"] = workflow, f"Workflow {workflow}"
        payload["callee"].update(case_id=case_id, callee_number=contact)
        payload["call"].update(
            call_id=call_id,
            callee_number=number,
            call_start_time=f"{started:%Y-%m-%d %H:%M:%S}",
            call_end_time=f"{started:%Y-%m-%d %H:%M:%S}",
        )
        return call_result_record(payload=payload)

    return _make


@pytest.fixture
def make_session(chat_payload):
    def _make(call_id, *, started, number=NUMBER, workflow="wf-chat"):
        payload = copy.deepcopy(chat_payload)
        payload["workflow_id"], payload["workflow_name"] = workflow, f"Workflow {workflow}"
        payload.update(
            call_id=call_id,
            callee=number,
            session_start_time=f"{started:%Y-%m-%dT%H:%M:%SZ}",
            session_end_time=f"{started:%Y-%m-%dT%H:%M:%SZ}",
        )
        return chat_session_record(payload=payload)

    return _make


def day(n: int) -> datetime:
    return datetime(2024, 3, n, 10, 0, tzinfo=UTC)


def kinds_and_ids(rows) -> list[tuple[str, int]]:
    return [(row.kind, row.pk) for row in rows]


def test_same_number_across_calls_chat_sessions_and_workflows_newest_first(make_call, make_session):
    old_call = make_call("call-old", started=day(1), workflow="wf-1")
    session = make_session("chat-1", started=day(5), number="+62 812-3456-7890")
    new_call = make_call("call-new", started=day(9), number="6281234567890", workflow="wf-2")
    make_call("someone-else", started=day(7), number="+6289999", contact="+6289999", case_id="X")
    make_session("chat-someone-else", started=day(8), number="+6289999")

    rows = customer_history(phone="+62 812 3456 7890")

    assert kinds_and_ids(rows) == [
        ("call", new_call.pk),
        ("chat session", session.pk),
        ("call", old_call.pk),
    ]
    assert [row.workflow for row in rows] == ["Workflow wf-2", "Workflow wf-chat", "Workflow wf-1"]
    assert rows[1].channel == "WhatsApp"


def test_number_without_its_plus_matches_too(make_call, make_session):
    call = make_call("c1", started=day(1))
    session = make_session("s1", started=day(2))

    assert kinds_and_ids(customer_history(phone="6281234567890")) == [
        ("chat session", session.pk),
        ("call", call.pk),
    ]


def test_a_calls_uploaded_contact_number_matches(make_call):
    call = make_call("c1", started=day(1), number="+6280000000", contact="+62 812 3456 7890")

    assert kinds_and_ids(customer_history(phone=NUMBER)) == [("call", call.pk)]


def test_case_id_matches_calls_to_other_numbers(make_call, make_session):
    first = make_call("c1", started=day(1), number="+6211111111", contact="+6211111111")
    second = make_call("c2", started=day(2), number="+6222222222", contact="+6222222222")
    make_call("c3", started=day(3), case_id="CASE-2")
    make_session("s1", started=day(4))

    rows = customer_history(case_id="CASE-1")

    assert kinds_and_ids(rows) == [("call", second.pk), ("call", first.pk)]


def test_number_or_case_id(make_call, make_session):
    by_case = make_call("c1", started=day(1), number="+6211111111", contact="+6211111111")
    by_number = make_call("c2", started=day(2), case_id="CASE-2")
    session = make_session("s1", started=day(3))

    rows = customer_history(phone=NUMBER, case_id="CASE-1")

    assert kinds_and_ids(rows) == [
        ("chat session", session.pk),
        ("call", by_number.pk),
        ("call", by_case.pk),
    ]


def test_no_match_and_no_criteria_are_empty(make_call, make_session):
    make_call("c1", started=day(1))
    make_session("s1", started=day(2))

    assert customer_history(phone="+44 20 7946 0000") == []
    assert customer_history(case_id="nope") == []
    assert customer_history() == []
    assert customer_history(phone=" - ") == []


def test_only_what_the_user_may_see(make_call, make_session):
    call = make_call("c1", started=day(1))
    session = make_session("s1", started=day(2))

    assert kinds_and_ids(customer_history(phone=NUMBER, chat_sessions=False)) == [("call", call.pk)]
    assert kinds_and_ids(customer_history(phone=NUMBER, calls=False)) == [
        ("chat session", session.pk)
    ]


def test_customer_history_url():
    base = reverse("customers:history")

    assert base == HISTORY_URL
    assert (
        customer_history_url(phone="+62 812", case_id="C 1")
        == f"{base}?phone=%2B62+812&case_id=C+1"
    )
    assert customer_history_url(case_id="C1") == f"{base}?case_id=C1"
    assert customer_history_url(chat_session=7) == f"{base}?chat_session=7"
    assert customer_history_url() == base


# --- the admin page ---------------------------------------------------------------------------


def test_page_lists_the_history_newest_first_with_links(admin_client, make_call, make_session):
    old_call = make_call("call-old", started=day(1))
    session = make_session("chat-1", started=day(5))
    new_call = make_call("call-new", started=day(9), workflow="wf-2")

    response = admin_client.get(HISTORY_URL, {"phone": "+62 812-3456-7890"})

    assert response.status_code == 200
    html = response.content.decode()
    links = [
        reverse("admin:calls_app_callresult_change", args=[new_call.pk]),
        reverse("admin:sessions_app_chatsession_change", args=[session.pk]),
        reverse("admin:calls_app_callresult_change", args=[old_call.pk]),
    ]
    positions = [html.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    assert "3 records" in html
    assert "Workflow wf-2" in html
    assert "Customer history" in html
    assert 'id="user-tools"' in html  # the admin's own base template


def test_page_from_a_call_uses_its_number_and_case_id(admin_client, make_call, make_session):
    call = make_call("c1", started=day(1))
    by_case = make_call("c2", started=day(2), number="+6211111111", contact="+6211111111")
    session = make_session("s1", started=day(3))

    response = admin_client.get(customer_history_url(call=call))

    assert response.status_code == 200
    assert kinds_and_ids(item["row"] for item in response.context["rows"]) == [
        ("chat session", session.pk),
        ("call", by_case.pk),
        ("call", call.pk),
    ]
    assert "The customer of call c1" in response.content.decode()


def test_page_from_a_chat_session_uses_its_number(admin_client, make_call, make_session):
    call = make_call("c1", started=day(1))
    session = make_session("s1", started=day(3))

    response = admin_client.get(customer_history_url(chat_session=session))

    assert kinds_and_ids(item["row"] for item in response.context["rows"]) == [
        ("chat session", session.pk),
        ("call", call.pk),
    ]


def test_page_without_a_match(admin_client, make_call):
    make_call("c1", started=day(1))

    response = admin_client.get(HISTORY_URL, {"phone": "+1 555 0100"})

    assert response.status_code == 200
    assert "No call or chat session of this customer." in response.content.decode()


@pytest.mark.parametrize("query", [{"call": 999}, {"call": "abc"}, {"chat_session": "1; drop"}])
def test_page_of_an_unknown_record_is_404(admin_client, query):
    assert admin_client.get(HISTORY_URL, query).status_code == 404


@pytest.fixture
def staff_client(client):
    def _login(*codenames: str):
        user = User.objects.create_user("agent", is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        client.force_login(user)
        return client

    return _login


def test_page_needs_view_permission_on_calls_or_chat_sessions(staff_client, make_call):
    make_call("c1", started=day(1))

    response = staff_client().get(HISTORY_URL, {"phone": NUMBER})

    assert response.status_code == 403


def test_page_needs_a_staff_login(client):
    response = client.get(HISTORY_URL, {"phone": NUMBER})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_page_shows_only_the_records_the_user_may_view(staff_client, make_call, make_session):
    call = make_call("c1", started=day(1))
    session = make_session("s1", started=day(2))

    client = staff_client("view_chatsession")
    response = client.get(HISTORY_URL, {"phone": NUMBER})

    assert response.status_code == 200
    assert kinds_and_ids(item["row"] for item in response.context["rows"]) == [
        ("chat session", session.pk)
    ]
    # A call's page would tell them about the call: that needs the call permission.
    assert client.get(customer_history_url(call=call)).status_code == 403


def test_numbers_are_masked_without_the_contact_details_permission(
    staff_client, make_call, make_session
):
    call = make_call("c1", started=day(1))

    client = staff_client("view_callresult")
    html = client.get(customer_history_url(call=call)).content.decode()

    assert NUMBER not in html
    assert "+62•••••••7890" in html


def test_numbers_are_shown_with_the_contact_details_permission(staff_client, make_call):
    call = make_call("c1", started=day(1))

    client = staff_client("view_callresult", "view_contact_details")
    html = client.get(customer_history_url(call=call)).content.decode()

    assert NUMBER in html


def test_the_former_address_of_the_page_redirects_to_it(admin_client):
    response = admin_client.get("/admin/calls_app/callresult/history/?call=7")

    assert response.status_code == 302
    assert response["Location"] == f"{HISTORY_URL}?call=7"
