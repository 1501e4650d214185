"""The home page: one search over customers, calls and chats, masked and scoped as the lists
are; today's numbers for the dashboard's readers; failed deliveries for those who see events."""

import copy

import pytest
from django.utils import timezone

from calls_app.services import call_result_record
from integrations.models import WebhookEvent
from sessions_app.services import chat_session_record
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

NUMBER = "+6281234567890"
SUPPORT = ("calls_app.view_callresult", "sessions_app.view_chatsession")
DETAILS = "integrations.view_contact_details"


@pytest.fixture
def records(call_payload, chat_payload):
    now = timezone.now()
    call = copy.deepcopy(call_payload)
    call["callee"].update(case_id="CASE-77", callee_name="Rina Saputra", callee_number=NUMBER)
    call["call"].update(
        call_id="call-0077",
        callee_number=NUMBER,
        call_start_time=f"{now:%Y-%m-%d %H:%M:%S}",
        call_end_time=f"{now:%Y-%m-%d %H:%M:%S}",
    )
    chat = copy.deepcopy(chat_payload)
    chat.update(call_id="chat-0077", callee=NUMBER, session_end_time=f"{now:%Y-%m-%dT%H:%M:%SZ}")
    other = copy.deepcopy(call_payload)
    other["call"].update(call_id="someone-else", callee_number="+6289999999")
    other["callee"].update(callee_number="+6289999999", case_id="X", callee_name="Budi")
    return (
        call_result_record(payload=call),
        chat_session_record(payload=chat),
        call_result_record(payload=other),
    )


def page(client, user, q: str = "") -> str:
    client.force_login(user)
    response = client.get("/", {"q": q} if q else {})
    assert response.status_code == 200
    return response.content.decode()


def found(client, user, q: str) -> str:
    """The page below its search box (which shows the term as typed)."""
    return page(client, user, q).split('role="search"', 1)[1].split("</form>", 1)[1]


def test_home_is_the_products_page_not_a_redirect(client, admin_user):
    assert client.get("/").status_code == 302  # to the login
    assert client.get("/")["Location"].startswith("/admin/login/")

    html = page(client, admin_user)

    assert 'role="search"' in html
    assert 'name="q"' in html
    assert "Find a customer, a call or a chat" in html


def test_a_number_however_written_finds_the_customer_their_call_and_chat(
    client, admin_user, records
):
    call, chat, other = records

    html = page(client, admin_user, "0812 3456-7890")

    assert "Rina Saputra" in html
    assert f"/admin/customers/history/?call={call.pk}" in html
    assert f"/admin/calls_app/callresult/{call.pk}/change/" in html
    assert f"/admin/sessions_app/chatsession/{chat.pk}/change/" in html
    assert f"/admin/calls_app/callresult/{other.pk}/" not in html


@pytest.mark.parametrize(
    ("term", "found"),
    [("CASE-77", "call"), ("call-0077", "call"), ("Rina", "call"), ("chat-0077", "chat")],
)
def test_ids_and_names_find_their_records(client, admin_user, records, term, found):
    call, chat, _ = records
    url = {"call": f"callresult/{call.pk}/", "chat": f"chatsession/{chat.pk}/"}[found]

    assert url in page(client, admin_user, term)


def test_words_of_a_transcript_open_the_call_at_the_words(client, admin_user, records):
    call, _, _ = records

    html = page(client, admin_user, "placed an order")

    assert f"/admin/calls_app/callresult/{call.pk}/change/?q=placed+an+order#search-hit" in html


def test_staff_without_contact_details_see_masked_numbers_and_names(client, records):
    html = found(client, user_with("support", *SUPPORT), NUMBER)

    assert "Rina Saputra" not in html
    assert "+6281234567890" not in html and "81234567890" not in html
    assert "•" in html
    assert "/admin/customers/history/?call=" in html


def test_staff_with_contact_details_see_them(client, records):
    html = page(client, user_with("details", *SUPPORT, DETAILS), NUMBER)

    assert "Rina Saputra" in html
    assert NUMBER in html


def test_a_masked_user_cannot_find_a_customer_by_name(client, records):
    html = found(client, user_with("support", *SUPPORT), "Rina")

    assert "callresult/" not in html
    assert "Nothing found" in html


def test_each_list_only_for_those_who_may_see_it(client, records):
    _, chat, _ = records

    html = page(client, user_with("calls-only", "calls_app.view_callresult"), NUMBER)

    assert "callresult/" in html
    assert f"chatsession/{chat.pk}" not in html
    assert 'id="home-chats"' not in html


def test_todays_numbers_for_the_dashboards_readers_only(client, records):
    manager = user_with("manager", *SUPPORT, "dashboard.view_dashboard")
    html = page(client, manager)

    assert 'id="home-today"' in html
    assert "<dt>Calls</dt><dd>1</dd>" in html  # the call started today (the other in 2024)
    assert "<dt>Chats</dt><dd>1</dd>" in html
    assert 'id="home-today"' not in page(client, user_with("support", *SUPPORT))


def test_failed_deliveries_for_those_who_see_events(client, deliver, endpoint):
    deliver("call_result", {"not": "a call"})
    assert WebhookEvent.objects.filter(status="failed").count() == 1
    integrator = user_with("integrator", "integrations.view_webhookevent")

    html = page(client, integrator)

    assert 'id="home-failures"' in html
    assert "<strong>1</strong> delivery could not be processed" in html
    assert "?status__exact=failed" in html
    assert 'id="home-failures"' not in page(client, user_with("support", *SUPPORT))
