"""The audit log: who opened, revealed, exported or erased customers' data; append-only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from calls_app.models import CallResult
from dashboard.roles import roles_setup
from integrations.models import AuditEntry
from privacy.audit import audit_record
from sessions_app.models import ChatSession

NUMBER = "+6281234569092"
LIST_URL = reverse("admin:integrations_auditentry_changelist")


@pytest.fixture
def records(deliver, chat_payload, call_payload):
    chat_payload["callee"] = NUMBER
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    call_payload["call"]["callee_number"] = NUMBER
    assert deliver("call_result", call_payload).status_code == 200
    return CallResult.objects.get(), ChatSession.objects.get()


@pytest.fixture
def member(db, django_user_model):
    roles_setup()

    def _member(username, *groups):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True)
        user.groups.set(Group.objects.filter(name__in=groups))
        return django_user_model.objects.get(pk=user.pk)

    return _member


def _change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("kind", ["call", "chat session"])
def test_opening_a_record_page_is_a_transcript_view(client, records, member, kind):
    record = records[0] if kind == "call" else records[1]
    client.force_login(member("support", "Support"))
    response = client.get(
        _change_url(record) + "?_changelist_filters=q%3D6281", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "view_transcript"
    assert entry.username == "support" and entry.user.username == "support"
    assert entry.content_type.model_class() is type(record)
    assert entry.object_id == str(record.pk)
    assert entry.label == record.call_id
    assert entry.ip_address == "10.1.2.3"
    assert entry.path == _change_url(record)  # the query string is left out


@pytest.mark.parametrize("kind", ["call", "chat session"])
def test_seeing_customer_details_unmasked_is_a_reveal(client, records, member, kind):
    record = records[0] if kind == "call" else records[1]
    client.force_login(member("detailed", "Support", "Customer details"))
    assert NUMBER in client.get(_change_url(record)).content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"view_transcript", "reveal_contact_details"}


def test_a_page_not_shown_leaves_no_entry(client, records, member):
    client.force_login(member("nobody"))
    assert client.get(_change_url(records[0])).status_code == 403
    assert not AuditEntry.objects.exists()


def test_csv_export_is_recorded(client, records, member):
    client.force_login(member("manager", "Managers"))
    response = client.get(reverse("admin:calls_app_callresult_export_csv"))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get()
    assert entry.action == "export_csv" and entry.details == {"unmasked": False}


def test_dashboard_csv_export_is_recorded(client, records, member):
    client.force_login(member("manager", "Managers", "Customer details"))
    response = client.get("/dashboard/export/sessions.csv", {"callee": NUMBER})
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "export_csv" and entry.details == {"unmasked": True}
    assert entry.path == "/dashboard/export/sessions.csv"


@pytest.mark.parametrize("kind", ["calls", "sessions"])
def test_api_detail_is_a_transcript_view_and_a_list_is_not(client, records, member, kind):
    record = records[0] if kind == "calls" else records[1]
    client.force_login(member("support", "Support"))
    assert client.get(f"/api/{kind}/").status_code == 200
    assert not AuditEntry.objects.exists()
    assert client.get(f"/api/{kind}/{record.call_id}/").status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "view_transcript" and entry.label == record.call_id
    assert entry.object_id == str(record.pk)
    assert client.get(f"/api/{kind}/no-such-call/").status_code == 404
    assert AuditEntry.objects.count() == 1

    client.force_login(member("detailed", "Support", "Customer details"))
    client.get(f"/api/{kind}/{record.call_id}/")
    assert set(AuditEntry.objects.filter(username="detailed").values_list("action", flat=True)) == {
        "view_transcript",
        "reveal_contact_details",
    }


def test_opening_a_delivery_is_recorded_and_a_reveal_for_those_who_see_it_whole(
    client, records, member
):
    event_url = reverse("admin:integrations_webhookevent_change", args=[records[0].event_id])
    client.force_login(member("integrator", "Integrators"))
    assert client.get(event_url).status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "view_transcript" and entry.object_id == str(records[0].event_id)
    assert entry.content_type.model == "webhookevent"

    client.force_login(member("detailed", "Integrators", "Customer details"))
    client.get(event_url)
    assert set(AuditEntry.objects.filter(username="detailed").values_list("action", flat=True)) == {
        "view_transcript",
        "reveal_contact_details",
    }


def test_customer_history_unmasked_is_a_reveal(client, records, member):
    client.force_login(member("detailed", "Support", "Customer details"))
    assert (
        NUMBER in client.get(reverse("customers:history"), {"call": records[0].pk}).content.decode()
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "object_id"))
    assert actions == [
        ("view_customer_history", str(records[0].pk)),
        ("reveal_contact_details", str(records[0].pk)),
    ]


def test_customer_history_is_recorded_without_the_number(client, records, member):
    client.force_login(member("support", "Support"))
    client.get(reverse("customers:history"), {"phone": NUMBER})
    client.get(reverse("customers:history"), {"call": records[0].pk})
    searched, opened = AuditEntry.objects.order_by("pk")
    assert searched.action == opened.action == "view_customer_history"
    assert searched.label == "search" and searched.object_id == ""
    assert opened.label == f"call {records[0].call_id}"
    assert opened.object_id == str(records[0].pk)
    for entry in (searched, opened):
        assert "9092" not in entry.path + entry.label + str(entry.details)


# --- the log in the admin ---------------------------------------------------------------------


@pytest.fixture
def entries(records, member):
    support = member("support", "Support")
    audit_record(user=support, action="view_transcript", obj=records[0])
    audit_record(user=support, action="export_csv", label="calls")
    return support


def test_privacy_officers_and_superusers_read_the_log(client, admin_client, entries, member):
    client.force_login(member("officer", "Privacy officers"))
    for browser in (client, admin_client):
        page = browser.get(LIST_URL)
        assert page.status_code == 200
        assert "Audit log" in page.content.decode()
        assert records_label(page) >= {"calls"}


def records_label(page):
    return {entry.label for entry in page.context["cl"].result_list}


def test_support_staff_cannot_read_the_log(client, entries):
    client.force_login(entries)
    assert client.get(LIST_URL).status_code == 403


def test_filters_by_user_action_and_date(admin_client, entries):
    by_action = admin_client.get(LIST_URL, {"action": "export_csv"})
    assert records_label(by_action) == {"calls"}
    by_user = admin_client.get(LIST_URL, {"user__id__exact": entries.pk})
    assert len(by_user.context["cl"].result_list) == 2
    entry = AuditEntry.objects.first()
    by_day = admin_client.get(
        LIST_URL, {"at__year": entry.at.year, "at__month": entry.at.month, "at__day": entry.at.day}
    )
    assert len(by_day.context["cl"].result_list) == 2
    by_search = admin_client.get(LIST_URL, {"q": "support"})
    assert len(by_search.context["cl"].result_list) == 2


def test_exports_as_csv_and_the_export_is_recorded(client, entries, member):
    officer = member("officer", "Privacy officers")
    client.force_login(officer)
    page = client.get(LIST_URL)
    export_url = reverse("admin:integrations_auditentry_export_csv")
    assert export_url in page.content.decode()
    response = client.get(export_url, {"action": "export_csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("at,username,user_id,action")
    assert len(lines) == 2 and ",export_csv," in lines[1]
    assert AuditEntry.objects.filter(action="export_audit_log", user=officer).exists()
    selected = client.post(
        LIST_URL,
        {"action": "export_csv", "_selected_action": [AuditEntry.objects.last().pk]},
    )
    assert len(b"".join(selected.streaming_content).decode().splitlines()) == 2


def test_nobody_adds_changes_or_deletes_an_entry_in_the_admin(admin_client, entries):
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("admin:integrations_auditentry_add")).status_code == 403
    delete_url = reverse("admin:integrations_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:integrations_auditentry_change", args=[entry.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert admin_client.post(change_url, {"action": "erase_customer"}).status_code == 403
    actions = admin_client.get(LIST_URL).context["action_form"].fields["action"].choices
    assert "delete_selected" not in {name for name, _ in actions}
    assert AuditEntry.objects.count() == 2


def test_the_model_refuses_changes_and_deletes(entries):
    entry = AuditEntry.objects.first()
    entry.label = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 2
    assert not AuditEntry.objects.filter(label="rewritten").exists()


def test_an_entry_outlives_its_user(entries, django_user_model):
    entries.delete()
    assert set(AuditEntry.objects.values_list("user", "username")) == {(None, "support")}
