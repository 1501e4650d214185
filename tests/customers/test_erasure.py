"""Erasure on request: one number, written any way, removes everything held about its customer."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls_app.models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn
from customers.erasure import customer_erase, subject_hash
from dashboard.roles import roles_setup
from integrations.models import AuditEntry, WebhookEvent
from sessions_app.models import ChatMessage, ChatSession

NUMBER = "+6281234569092"
KEY = "6281234569092"
OTHER = "+6287700001111"


@pytest.fixture
def customer(deliver, chat_payload, call_payload):
    """The customer's chat session and call, another customer's session, a failed delivery that
    names the customer's number (spaced) and one that does not."""
    chat = {**chat_payload, "call_id": "chat-customer", "callee": "+62 812-3456-9092"}
    assert deliver("chatbot_session_end", chat).status_code == 200
    other = {**chat_payload, "call_id": "chat-other", "callee": OTHER}
    assert deliver("chatbot_session_end", other).status_code == 200
    call = {**call_payload, "call": {**call_payload["call"], "call_id": "call-customer"}}
    call["call"]["callee_number"] = NUMBER
    call["callee"] = {**call["callee"], "callee_number": "(62) 81234569092"}
    assert deliver("call_result", call).status_code == 200
    second = {**call_payload, "call": {**call_payload["call"], "call_id": "call-other"}}
    second["call"]["callee_number"] = OTHER
    second["callee"] = {**second["callee"], "callee_number": OTHER}
    second["call"]["redial_call"] = [
        {**second["call"]["redial_call"][0], "call_id": "redial-customer", "callee_number": NUMBER},
        {**second["call"]["redial_call"][1], "call_id": "redial-other", "callee_number": OTHER},
    ]
    assert deliver("call_result", second).status_code == 200
    deliver("chatbot_session_end", b'{"callee": "+62 812 3456 9092", "broken":')
    deliver("chatbot_session_end", b'{"callee": "+62 812 3456 90921", "broken":')  # longer
    return {
        "events": set(WebhookEvent.objects.values_list("pk", flat=True)),
        "other_event": ChatSession.objects.get(call_id="chat-other").event_id,
    }


def _calls():
    return list(CallResult.objects.order_by("call_id").values_list("call_id", flat=True))


def test_dry_run_reports_and_removes_nothing(customer):
    before = WebhookEvent.objects.count(), CallResult.objects.count(), ChatSession.objects.count()
    report = customer_erase(phone="62 (812) 3456.9092", dry_run=True)
    assert report.dry_run
    assert report.counts["call results"] == 1
    assert report.counts["chat sessions"] == 1
    messages = ChatMessage.objects.filter(session__call_id="chat-customer").count()
    assert report.counts["chat messages"] == messages > 0
    # The two records' deliveries, the other call's (its redial dialled the number) and the
    # failed one naming it.
    assert report.counts["webhook events"] == 4
    assert (
        report.counts["redials"] == Redial.objects.filter(call__call_id="call-customer").count() + 1
    )
    assert before == (
        WebhookEvent.objects.count(), CallResult.objects.count(), ChatSession.objects.count()
    )  # fmt: skip
    assert not AuditEntry.objects.exists()


def test_removes_every_record_and_delivery_of_the_customer_only(customer):
    call = CallResult.objects.get(call_id="call-customer")
    other = CallResult.objects.get(call_id="call-other")
    children = {
        model: model.objects.filter(call=call).count()
        for model in (TranscriptTurn, CallAnswer, Redial, NodePush)
    }
    assert all(children.values())

    report = customer_erase(phone=NUMBER)

    assert not report.dry_run
    assert report.counts["transcript turns"] == children[TranscriptTurn]
    assert report.counts["redials"] == children[Redial] + 1
    assert _calls() == ["call-other"]
    for model in children:
        assert not model.objects.filter(call=call).exists()
    # The other customer's call stays, without the attempt that dialled the number.
    assert list(other.redials.values_list("redial_call_id", flat=True)) == ["redial-other"]
    assert other.transcript.exists()
    assert list(ChatSession.objects.values_list("call_id", flat=True)) == ["chat-other"]
    assert not ChatMessage.objects.exclude(session__call_id="chat-other").exists()
    left = set(WebhookEvent.objects.values_list("pk", flat=True))
    assert customer["other_event"] in left
    # The other customer's delivery, and the one with a longer number that merely contains it.
    assert len(left) == 2
    kept = WebhookEvent.objects.exclude(pk=customer["other_event"]).get()
    assert b"90921" in bytes(kept.body)


def test_leaves_an_audit_entry_without_the_number(customer, django_user_model):
    officer = django_user_model.objects.create_user("officer", password="x")
    report = customer_erase(phone=NUMBER, user=officer)
    entry = AuditEntry.objects.get()
    assert entry.action == "erase_customer"
    assert entry.user == officer and entry.username == "officer"
    assert entry.details["counts"] == report.counts
    assert entry.details["subject_hash"] == subject_hash(KEY) == report.subject_hash
    written = json.dumps([entry.label, entry.details, entry.object_id, entry.path])
    for fragment in (KEY, "81234569092", "3456"):
        assert fragment not in written


def test_a_number_too_short_to_name_one_customer_is_refused(customer):
    with pytest.raises(ValueError, match="at least 6 digits"):
        customer_erase(phone="+62 81")
    assert _calls() == ["call-customer", "call-other"]


def test_command_prints_json_and_erases(customer, capsys):
    call_command("erase_customer", "--phone", "62-812-3456-9092", "--dry-run", "--json")
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["counts"]["call results"] == 1
    assert _calls() == ["call-customer", "call-other"]

    call_command("erase_customer", "--phone", "62-812-3456-9092", "--json")
    done = json.loads(capsys.readouterr().out)
    assert done["dry_run"] is False and done["counts"] == dry["counts"]
    assert _calls() == ["call-other"]
    entry = AuditEntry.objects.get()
    assert entry.user is None and entry.username.startswith("manage.py erase_customer")

    call_command("erase_customer", "--phone", NUMBER)
    assert "Removed 0 row(s)" in capsys.readouterr().out


def test_command_refuses_a_short_number(db):
    with pytest.raises(CommandError):
        call_command("erase_customer", "--phone", "123")


@pytest.fixture
def officer(db, django_user_model):
    roles_setup()
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("privacy", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=["Privacy officers", "Support"]))
    return user


def test_admin_erases_from_the_customer_history(client, customer, officer):
    client.force_login(officer)
    call = CallResult.objects.get(call_id="call-customer")
    history = client.get(reverse("customers:history"), {"call": call.pk})
    erase_url = f"{reverse('customers:erase')}?call={call.pk}"
    assert erase_url in history.content.decode()

    confirm = client.get(erase_url)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Call results: 1" in page and "Chat sessions: 1" in page
    assert NUMBER not in page  # shown masked: the officer may not see customer details
    assert _calls() == ["call-customer", "call-other"]

    done = client.post(reverse("customers:erase"), {"call": call.pk, "confirm": "yes"})
    assert done.status_code == 302
    assert _calls() == ["call-other"]
    assert list(ChatSession.objects.values_list("call_id", flat=True)) == ["chat-other"]
    assert AuditEntry.objects.filter(action="erase_customer", user=officer).count() == 1


def test_admin_erases_a_typed_number(client, customer, officer):
    client.force_login(officer)
    preview = client.post(reverse("customers:erase"), {"phone": "+62 812 3456 9092"})
    assert "Yes, erase" in preview.content.decode()
    assert _calls() == ["call-customer", "call-other"]
    client.post(reverse("customers:erase"), {"phone": "+62 812 3456 9092", "confirm": "yes"})
    assert _calls() == ["call-other"]


def test_erasing_needs_its_own_permission(client, customer, django_user_model):
    roles_setup()
    from django.contrib.auth.models import Group

    support = django_user_model.objects.create_user("support", password="x", is_staff=True)
    support.groups.set(Group.objects.filter(name="Support"))
    client.force_login(support)
    call = CallResult.objects.get(call_id="call-customer")
    history = client.get(reverse("customers:history"), {"call": call.pk})
    assert reverse("customers:erase") not in history.content.decode()
    assert client.get(reverse("customers:erase"), {"call": call.pk}).status_code == 403
    response = client.post(reverse("customers:erase"), {"call": call.pk, "confirm": "yes"})
    assert response.status_code == 403
    assert _calls() == ["call-customer", "call-other"]


def test_the_customer_shared_as_a_contact_in_another_chat_is_erased_from_it(
    customer, deliver, chat_payload
):
    contact = {"name": "WILL SMITH", "phone_number": "+62 812 3456 9092"}
    friend = {"name": "SITI AMINAH", "phones": [{"phone": OTHER, "wa_id": OTHER[1:]}]}
    chat_payload["call_id"] = "chat-friend"
    chat_payload["callee"] = OTHER
    chat_payload["messages"] = [
        {
            "msg_id": "shared",
            "sender_type": "user",
            "timestamp": 1720160400,
            "content": {"type": "contacts", "contacts": [contact, friend]},
        },
        {
            "msg_id": "quoting",
            "sender_type": "agent",
            "timestamp": 1720160401,
            "content": {"type": "text", "text": "Noted"},
            "reply": {"msg_id": "shared", "content": {"type": "contacts", "contacts": [contact]}},
        },
    ]
    assert deliver("chatbot_session_end", chat_payload).status_code == 200

    report = customer_erase(phone=NUMBER)

    assert report.counts["contacts shared in other chats"] == 2
    session = ChatSession.objects.get(call_id="chat-friend")
    shared, quoting = session.messages.order_by("position")
    assert shared.content["contacts"] == [{"erased": True}, friend]
    assert "WILL SMITH" not in shared.text and "SITI AMINAH" in shared.text
    assert quoting.reply["content"]["contacts"] == [{"erased": True}]
    assert quoting.reply["msg_id"] == "shared" and quoting.content["text"] == "Noted"
    assert session.event_id is None  # its delivery named the number: gone
