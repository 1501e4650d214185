"""Every surface that shows a record shows its customer's details masked to staff without
``integrations.view_contact_details``: the raw body of a delivery, a delete confirmation, a
reply quoting shared contacts in the API. As a Support user (and Integrators for the events)."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from calls_app.models import CallResult
from dashboard.roles import roles_setup
from integrations.models import WebhookEvent
from privacy.masking import mask_payload
from sessions_app.models import ChatSession

NUMBER = "+6281234569092"
SHARED = "+6287712345678"
NAME = "WILL SMITH"
CALLER = "+95xxxxxxxx0088"
CHANNEL_ID = "6289xxxxxxxx9070"


@pytest.fixture
def member(db, django_user_model):
    roles_setup()

    def _member(username, *groups, permissions=()):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True)
        user.groups.set(Group.objects.filter(name__in=groups))
        for name in permissions:
            app_label, codename = name.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return django_user_model.objects.get(pk=user.pk)

    return _member


@pytest.fixture
def chat(deliver, chat_payload):
    """A session with the customer's number, a contact the customer shares, and a reply that
    quotes that contact."""
    chat_payload["callee"] = NUMBER
    contact = {"name": NAME, "phone_number": SHARED}
    chat_payload["messages"] += [
        {
            "msg_id": "shared-1",
            "sender_type": "user",
            "timestamp": 1720160400,
            "status": "read",
            "content": {"type": "contacts", "contacts": [contact]},
        },
        {
            "msg_id": "quote-1",
            "sender_type": "agent",
            "timestamp": 1720160401,
            "status": "read",
            "content": {"type": "text", "text": "Thanks, noted"},
            "reply": {
                "msg_id": "shared-1",
                "sender_type": "user",
                "content": {"type": "contacts", "contacts": [contact]},
            },
        },
    ]
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    return ChatSession.objects.get()


@pytest.fixture
def call(deliver, call_payload):
    call_payload["call"]["callee_number"] = NUMBER
    call_payload["callee"]["callee_number"] = NUMBER
    call_payload["callee"]["callee_name"] = NAME
    call_payload["call"]["redial_call"][0]["callee_number"] = "+6281200001111"
    call_payload["call"]["asr_result"][0]["robottext"] = "Hello Pak Budi, this is Hannah."
    call_payload["call"]["question_answer"][0]["answer"] = "CURP-ABC-123"
    assert deliver("call_result", call_payload).status_code == 200
    return CallResult.objects.get()


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _event_url(record):
    return reverse("admin:integrations_webhookevent_change", args=[record.event_id])


# --- (a) the raw body of a delivery ------------------------------------------------------------


def test_event_body_is_masked_for_integrators(client, chat, call, member):
    client.force_login(member("integrator", "Support", "Integrators"))
    chat_page = _page(client, _event_url(chat))
    call_page = _page(client, _event_url(call))
    for page in (chat_page, call_page):
        assert NUMBER not in page and "81234569092" not in page
        assert "+62•••••••9092" in page
    assert SHARED not in chat_page and NAME not in chat_page
    assert NAME not in call_page and "W••• S••••" in call_page
    assert "+6281200001111" not in call_page  # a redial's number
    # The business's own lines stay readable.
    assert CALLER in call_page
    assert CHANNEL_ID in chat_page


def test_event_body_is_shown_whole_to_those_who_may_see_it(client, chat, call, member):
    client.force_login(member("detailed", "Integrators", "Customer details"))
    assert NUMBER in _page(client, _event_url(chat))
    page = _page(client, _event_url(call))
    assert NUMBER in page and NAME in page


def test_a_body_that_is_not_json_has_its_numbers_masked(client, deliver, member):
    deliver("chatbot_session_end", b'{"callee": "+62 812-3456-9092", "cut off')
    event = WebhookEvent.objects.get()
    client.force_login(member("integrator", "Integrators"))
    page = _page(client, reverse("admin:integrations_webhookevent_change", args=[event.pk]))
    assert "812-3456" not in page and "9092" in page


def test_mask_payload_masks_at_any_depth_and_keeps_the_callers():
    masked = mask_payload(
        {
            "callee": {"callee_name": NAME, "callee_number": NUMBER, "case_id": "12345.0"},
            "call": {
                "callee_number": NUMBER,
                "caller_number": CALLER,
                "redial_call": [{"callee_number": NUMBER, "caller_number": CALLER}],
            },
            "channel_id": CHANNEL_ID,
        }
    )
    text = json.dumps(masked, ensure_ascii=False)
    assert NUMBER not in text and NAME not in text
    assert masked["call"]["caller_number"] == masked["call"]["redial_call"][0]["caller_number"]
    assert masked["channel_id"] == CHANNEL_ID and masked["callee"]["case_id"] == "12345.0"


# --- (b) delete confirmations --------------------------------------------------------------------


def test_chat_session_delete_confirmation_names_no_customer_data(client, chat, member):
    client.force_login(
        member(
            "deleter",
            "Support",
            permissions=["sessions_app.delete_chatsession", "sessions_app.delete_chatmessage"],
        )
    )
    url = reverse("admin:sessions_app_chatsession_delete", args=[chat.pk])
    page = _page(client, url)
    assert "message 1" in page.lower()
    for secret in (NUMBER, SHARED, NAME, "Thanks, noted", "Hi, tom"):
        assert secret not in page


def test_call_delete_confirmation_names_no_customer_data(client, call, member):
    client.force_login(
        member(
            "deleter",
            "Support",
            permissions=[
                "calls_app.delete_callresult",
                "calls_app.delete_transcriptturn",
                "calls_app.delete_callanswer",
                "calls_app.delete_redial",
                "calls_app.delete_nodepush",
            ],
        )
    )
    page = _page(client, reverse("admin:calls_app_callresult_delete", args=[call.pk]))
    assert "turn 0" in page.lower() or "turn 1" in page.lower()
    for secret in (NUMBER, NAME, "CURP-ABC-123", "+6281200001111", "Pak Budi"):
        assert secret not in page


# --- (c) a reply quoting shared contacts, in the API ---------------------------------------------


def test_api_masks_contacts_quoted_by_a_reply(client, chat, member):
    client.force_login(member("support", "Support"))
    response = client.get(f"/api/sessions/{chat.call_id}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert SHARED not in text and NAME not in text and NUMBER not in text
    quoting = next(m for m in response.json()["messages"] if m["msg_id"] == "quote-1")
    contact = quoting["reply"]["content"]["contacts"][0]
    assert contact == {"name": "W••• S••••", "phone_number": "+62•••••••5678"}
    assert quoting["reply"]["msg_id"] == "shared-1"


def test_api_shows_the_quoted_contacts_to_those_who_may_see_them(client, chat, member):
    client.force_login(member("detailed", "Support", "Customer details"))
    text = client.get(f"/api/sessions/{chat.call_id}/").content.decode()
    assert SHARED in text and NAME in text
