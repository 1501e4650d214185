"""The customer page's header (name, numbers masked by permission, amount owing and due date
from the latest call) above one timeline of their calls and chats."""

import copy
import inspect
from datetime import UTC, datetime

import pytest

from calls_app.services import call_result_record
from customers import views
from sessions_app.services import chat_session_record
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

NUMBER = "+6281234567890"
SUPPORT = ("calls_app.view_callresult", "sessions_app.view_chatsession")


@pytest.fixture
def customer(call_payload, chat_payload):
    def call(call_id, day, owing, due):
        payload = copy.deepcopy(call_payload)
        payload["callee"].update(
            callee_name="Rina Saputra",
            callee_number=NUMBER,
            case_id="CASE-9",
            total_owing_amount=owing,
            due_date=due,
            currency_unit="IDR",
        )
        started = datetime(2024, 3, day, 10, tzinfo=UTC)
        payload["call"].update(
            call_id=call_id,
            callee_number=NUMBER,
            call_start_time=f"{started:%Y-%m-%d %H:%M:%S}",
            call_end_time=f"{started:%Y-%m-%d %H:%M:%S}",
        )
        return call_result_record(payload=payload)

    old = call("old", 1, "500000.00", "2024-03-05")
    new = call("new", 9, "250000.00", "2024-03-20")
    chat = copy.deepcopy(chat_payload)
    chat.update(call_id="chat-9", callee=NUMBER)
    return old, new, chat_session_record(payload=chat)


def page(client, user, call) -> str:
    client.force_login(user)
    response = client.get("/admin/customers/history/", {"call": call.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_header_names_the_customer_and_the_latest_amount_owing(client, customer):
    old, new, chat = customer
    html = page(client, user_with("details", *SUPPORT, "integrations.view_contact_details"), old)

    header = html.split('class="customer-header"', 1)[1].split("</section>", 1)[0]
    assert "Rina Saputra" in header
    assert NUMBER in header
    assert "250000.00 IDR" in header and "2024-03-20" in header  # the latest call's
    assert "500000" not in header
    timeline = html.split('id="result_list"', 1)[1]
    for record in (f"callresult/{new.pk}/", f"callresult/{old.pk}/", f"chatsession/{chat.pk}/"):
        assert record in timeline


def test_header_is_masked_without_contact_details(client, customer):
    old, _, _ = customer
    html = page(client, user_with("support", *SUPPORT), old)

    header = html.split('class="customer-header"', 1)[1].split("</section>", 1)[0]
    assert "Rina Saputra" not in header and NUMBER not in header
    assert "R••• S••••••" in header
    assert "250000.00 IDR" in header


def test_the_view_only_looks_up_audits_and_renders():
    lines = inspect.getsource(views.customer_history_view).splitlines()

    assert len(lines) <= 60
    assert sum("audit_record(" in line for line in lines) == 0  # one call to _audit
