"""Least access per account: a user given one AI Rudder account sees only its records, on
every surface; superusers and users given no account see every account."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls_app.models import CallResult
from dashboard import rollups
from dashboard.roles import roles_setup
from integrations.models import AuditEntry, WebhookEvent
from integrations.services import webhook_endpoint_create
from sessions_app.models import ChatSession
from staff.services import staff_accounts_set

pytestmark = pytest.mark.django_db

OPEN_PERIOD = {"date_from": "", "date_to": ""}


@pytest.fixture
def two_accounts(endpoint, deliver, chat_payload, call_payload):
    """A call and a chat of ``endpoint`` (ours) and of another lender's account."""
    other = webhook_endpoint_create(name="Other lender", timezone_name="Asia/Manila")
    assert deliver("call_result", call_payload).status_code == 200
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    theirs_call = copy.deepcopy(call_payload)
    theirs_call["call"]["call_id"] = "their-call"
    theirs_chat = {**chat_payload, "call_id": "their-chat"}
    assert deliver("call_result", theirs_call, token=other.token).status_code == 200
    assert deliver("chatbot_session_end", theirs_chat, token=other.token).status_code == 200
    return endpoint, other


@pytest.fixture
def member(client, django_user_model, two_accounts):
    roles_setup()
    ours, _ = two_accounts

    def _member(*groups):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user("member", password="pw-member-123")
        user.groups.set(Group.objects.filter(name__in=groups))
        staff_accounts_set(user=user, endpoint_ids=[ours.pk])
        client.force_login(user)
        return user

    return _member


def test_records_keep_the_account_they_were_delivered_to(two_accounts):
    ours, other = two_accounts
    assert set(CallResult.objects.values_list("call_id", "endpoint")) == {
        (CallResult.objects.get(endpoint=ours).call_id, ours.pk),
        ("their-call", other.pk),
    }
    assert ChatSession.objects.get(call_id="their-chat").endpoint == other


def test_admin_lists_and_pages_show_only_the_users_accounts(client, member):
    member("Support")
    calls = client.get(reverse("admin:calls_app_callresult_changelist"))
    assert calls.status_code == 200
    assert [c.call_id for c in calls.context["cl"].result_list] != []
    assert "their-call" not in {c.call_id for c in calls.context["cl"].result_list}
    chats = client.get(reverse("admin:sessions_app_chatsession_changelist"))
    assert "their-chat" not in {c.call_id for c in chats.context["cl"].result_list}
    theirs = CallResult.objects.get(call_id="their-call")
    page = client.get(reverse("admin:calls_app_callresult_change", args=[theirs.pk]))
    assert page.status_code == 302  # "doesn't exist", as for a record that does not
    found = client.get(reverse("admin:calls_app_callresult_changelist"), {"q": "their-call"})
    assert list(found.context["cl"].result_list) == []


def test_the_api_lists_and_opens_only_the_users_accounts(client, member):
    member("Support")
    listed = client.get("/api/calls/").json()["results"]
    assert listed and "their-call" not in {row["call_id"] for row in listed}
    assert client.get("/api/calls/their-call/").status_code == 404
    assert client.get("/api/sessions/their-chat/").status_code == 404


def test_dashboard_outcomes_and_exports_count_only_the_users_accounts(client, member):
    member("Managers")
    ours = CallResult.objects.exclude(call_id="their-call").count()
    for _ in range(2):  # from the records, then from the rollups
        page = client.get("/dashboard/", OPEN_PERIOD)
        calls = next(s for s in page.context["sections"] if s.key == "calls")
        assert calls.total == ours
        outcomes = client.get("/api/outcomes/", {"kind": "calls"}).json()
        assert outcomes["total"] == ours
        rollups.roll_pending()
    export = client.get(reverse("dashboard:records-csv", kwargs={"kind": "calls"}), OPEN_PERIOD)
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "their-call" not in text and text.count("\n") == ours + 1


def test_events_show_only_the_users_accounts(client, member, two_accounts):
    member("Integrators")
    _, other = two_accounts
    listed = client.get(reverse("admin:integrations_webhookevent_changelist"))
    assert listed.status_code == 200
    shown = {event.endpoint_id for event in listed.context["cl"].result_list}
    assert shown and other.pk not in shown
    theirs = WebhookEvent.objects.filter(endpoint=other).first()
    page = client.get(reverse("admin:integrations_webhookevent_change", args=[theirs.pk]))
    assert page.status_code == 302


def test_a_user_with_no_account_and_a_superuser_see_every_account(admin_client, two_accounts):
    listed = admin_client.get("/api/calls/").json()["results"]
    assert "their-call" in {row["call_id"] for row in listed}


def test_the_audit_log_records_the_account_of_each_view(client, member, two_accounts):
    member("Support")
    ours, _ = two_accounts
    call = CallResult.objects.get(endpoint=ours)
    client.get(reverse("admin:calls_app_callresult_change", args=[call.pk]))
    entry = AuditEntry.objects.filter(action="view_transcript").latest("at")
    assert entry.details["account"] == ours.pk


def test_create_staff_user_gives_accounts(two_accounts):
    roles_setup()
    ours, other = two_accounts
    out = io.StringIO()
    call_command(
        "create_staff_user", "rina", "--role", "Support",
        "--endpoint", ours.name, "--endpoint", other.name, "--json", stdout=out,
    )  # fmt: skip
    assert sorted(json.loads(out.getvalue())["endpoints"]) == sorted([ours.name, other.name])
    with pytest.raises(CommandError, match="No endpoint"):
        call_command("create_staff_user", "dewi", "--role", "Support", "--endpoint", "Nope")


def test_the_user_form_gives_accounts(admin_client, two_accounts, django_user_model):
    ours, _ = two_accounts
    user = django_user_model.objects.create_user("ana", password="pw-ana-123")
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = admin_client.get(url)
    assert form.status_code == 200 and "staff_settings-0-endpoints" in form.content.decode()
    data = {
        "username": "ana",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "staff_settings-TOTAL_FORMS": "1",
        "staff_settings-INITIAL_FORMS": "0",
        "staff_settings-0-time_zone": "Asia/Jakarta",
        "staff_settings-0-endpoints": [str(ours.pk)],
    }
    assert admin_client.post(url, data).status_code == 302
    from staff.services import staff_account_ids

    user.refresh_from_db()
    assert staff_account_ids(user) == frozenset({ours.pk})
