"""A record's page starts with the conversation: titled by customer, outcome and time, the
outcome above the dialogue, the details folded below, and no Delete."""

import pytest
from django.urls import reverse

from calls_app.models import CallResult
from dashboard.roles import roles_setup
from sessions_app.models import ChatSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(deliver, chat_payload, call_payload):
    assert deliver("call_result", call_payload).status_code == 200
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    return CallResult.objects.get(), ChatSession.objects.get()


@pytest.fixture
def support(client, django_user_model):
    from django.contrib.auth.models import Group

    roles_setup()
    user = django_user_model.objects.create_user("siti", password="pw-siti-12345")
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    return client


def test_a_call_page_is_titled_by_customer_outcome_and_time(admin_client, records):
    call, _ = records
    page = admin_client.get(reverse("admin:calls_app_callresult_change", args=[call.pk]))
    title = page.context["title"]
    outcome = call.intention_description or call.intention
    assert title.startswith(call.callee_name or call.callee_number) and outcome in title
    assert f"{call.started_at:%Y-%m-%d}"[:7] in title
    html = page.content.decode()
    assert html.index("Dialogue (") < html.index("Call details") < html.index("AI Rudder ids")
    assert "deletelink" not in html and "/delete/" not in html


def test_masked_staff_see_a_masked_title(support, records):
    call, _ = records
    page = support.get(reverse("admin:calls_app_callresult_change", args=[call.pk]))
    assert page.status_code == 200
    name = call.callee_name or call.callee_number
    assert name not in page.context["title"] and "•" in page.context["title"]


def test_a_chat_page_starts_with_the_conversation(admin_client, records):
    _, chat = records
    page = admin_client.get(reverse("admin:sessions_app_chatsession_change", args=[chat.pk]))
    assert chat.callee in page.context["title"]
    html = page.content.decode()
    assert html.index("Conversation (") < html.index("Session details")
    assert "deletelink" not in html


def test_a_call_page_shows_the_amount_owing_by_its_currency_and_days_past_due(
    admin_client, deliver, call_payload
):
    call_payload["callee"]["total_owing_amount"] = "5619624.20"
    call_payload["callee"]["currency_unit"] = "IDR"
    call_payload["callee"]["due_date"] = "2020-01-01"
    assert deliver("call_result", call_payload).status_code == 200
    call = CallResult.objects.get()
    html = admin_client.get(reverse("admin:calls_app_callresult_change", args=[call.pk]))
    text = html.content.decode()
    assert "5,619,624" in text and ("IDR" in text or "Rp" in text)
    assert "days past due at the call" in text
