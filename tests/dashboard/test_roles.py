"""``manage.py setup_roles``: the groups, their permissions, and what each role can open."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from calls_app.kinds import CALL_RESULT
from dashboard.roles import ROLES
from integrations.models import WebhookEvent
from integrations.services import webhook_event_process, webhook_event_receive
from tests import outcomes_dataset

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset


def _permissions(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {group.name: group for group in Group.objects.all()}


def test_creates_the_groups_with_their_permissions(roles):
    assert set(roles) == {
        "Support", "Managers", "Integrators", "Customer details", "Privacy officers",
    }  # fmt: skip
    support = _permissions(roles["Support"])
    assert {
        "calls_app.view_callresult",
        "calls_app.view_transcriptturn",
        "sessions_app.view_chatsession",
        "sessions_app.view_chatmessage",
    } <= support
    assert _permissions(roles["Managers"]) == support | {
        "dashboard.view_dashboard",
        "integrations.export_csv",
    }
    assert _permissions(roles["Integrators"]) == {
        "integrations.view_webhookendpoint",
        "integrations.add_webhookendpoint",
        "integrations.change_webhookendpoint",
        "integrations.view_webhookevent",
        "integrations.process_webhookevent",
        "integrations.view_workflow",
    }
    assert _permissions(roles["Customer details"]) == {"integrations.view_contact_details"}
    assert _permissions(roles["Privacy officers"]) == {
        "integrations.view_auditentry",
        "integrations.erase_customer",
    }


def test_no_role_but_customer_details_sees_them_unmasked(roles):
    for name, group in roles.items():
        if name != "Customer details":
            assert "integrations.view_contact_details" not in _permissions(group)


def test_running_again_changes_nothing_and_repairs_edited_groups(roles, capsys):
    before = {name: _permissions(group) for name, group in roles.items()}
    roles["Support"].permissions.clear()
    call_command("setup_roles")
    assert "Support: updated" in capsys.readouterr().out
    after = {group.name: _permissions(group) for group in Group.objects.all()}
    assert after == before
    assert Group.objects.count() == len(ROLES)


@pytest.fixture
def member(roles, django_user_model):
    def _member(*groups: str):
        user = django_user_model.objects.create_user(
            "-".join(groups) or "nobody", password="x", is_staff=True
        )
        user.groups.set([roles[name] for name in groups])
        return user

    return _member


URLS = {
    "calls api": "/api/calls/",
    "call api": "/api/calls/call-001/",
    "sessions api": "/api/sessions/",
    "session api": "/api/sessions/chat-001/",
    "outcomes api": "/api/outcomes/?kind=calls",
    "dashboard": "/dashboard/",
    "dashboard table csv": "/dashboard/tables/call-intentions.csv",
    "calls csv": "/dashboard/export/calls.csv",
    "sessions csv": "/dashboard/export/sessions.csv",
}
ALLOWED = {
    "Support": {"calls api", "call api", "sessions api", "session api"},
    "Managers": set(URLS),
    "Integrators": set(),
    "Customer details": set(),
    "Privacy officers": set(),
}


@pytest.mark.parametrize("role", ALLOWED)
def test_each_role_opens_what_it_may_and_nothing_else(client, dataset, member, role):
    client.force_login(member(role))
    for name, url in URLS.items():
        status = client.get(url).status_code
        if name in ALLOWED[role]:
            assert status == 200, (name, status)
        else:
            assert status == 403, (name, status)


def test_integrators_manage_endpoints_and_process_events_again(member):
    user = member("Integrators")
    assert user.has_perms(
        [
            "integrations.add_webhookendpoint",
            "integrations.change_webhookendpoint",
            "integrations.view_webhookevent",
            "integrations.process_webhookevent",
        ]
    )
    assert not user.has_perm("integrations.delete_webhookendpoint")
    assert not user.has_perm("integrations.delete_webhookevent")
    assert not user.has_perm("calls_app.view_callresult")


def test_support_reads_records_but_changes_nothing(member):
    user = member("Support")
    assert user.has_perm("calls_app.view_redial")
    assert not user.has_perm("calls_app.change_callresult")
    assert not user.has_perm("sessions_app.delete_chatsession")


def test_a_manager_in_customer_details_sees_full_numbers(client, dataset, member):
    client.force_login(member("Managers", "Customer details"))
    assert client.get("/api/calls/call-001/").json()["callee_number"] == "+6281234569092"
    client.force_login(member("Managers"))
    assert client.get("/api/calls/call-001/").json()["callee_number"] == "+62•••••••9092"


def test_fails_clearly_when_a_permission_is_missing(db, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setitem(ROLES, "Support", ["calls_app.fly_callresult"])
    with pytest.raises(CommandError, match=r"calls_app\.fly_callresult"):
        call_command("setup_roles")
    assert not Group.objects.exists()


def test_integrators_process_an_event_again_in_the_admin(client, member, endpoint):
    delivery = webhook_event_receive(
        endpoint=endpoint,
        kind=CALL_RESULT.slug,
        body=b'{"workflow_id": "w", "node_id": "n", "call": "not an object"}',
        headers={},
        remote_addr=None,
    )
    event = webhook_event_process(event_id=delivery.event.pk)
    assert event.status == WebhookEvent.Status.FAILED and event.attempts == 1
    url = "/admin/integrations/webhookevent/"
    button = f"{url}{event.pk}/process/"
    integrator = member("Integrators")
    # "Process again" needs its own permission, not the change permission on events.
    assert not integrator.has_perm("integrations.change_webhookevent")
    client.force_login(integrator)
    assert client.get(url).status_code == 200
    assert 'action="' + button + '"' in client.get(f"{url}{event.pk}/change/").content.decode()
    client.post(url, {"action": "process_again", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.attempts == 2
    assert client.post(button).status_code == 302
    event.refresh_from_db()
    assert event.attempts == 3
    # The event itself stays as AI Rudder sent it.
    assert client.post(f"{url}{event.pk}/change/", {"status": "processed"}).status_code == 403
    client.force_login(member("Support"))
    client.post(url, {"action": "process_again", "_selected_action": [event.pk]})
    assert client.post(button).status_code == 403
    event.refresh_from_db()
    assert event.attempts == 3


def test_staff_in_a_group_reach_the_admin_and_its_lists(client, dataset, member):
    client.force_login(member("Support"))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/calls_app/callresult/").status_code == 200
    assert client.get("/admin/sessions_app/chatsession/").status_code == 200
    assert client.get("/admin/integrations/webhookevent/").status_code == 403
    client.force_login(member("Integrators"))
    assert client.get("/admin/integrations/webhookendpoint/").status_code == 200
    assert client.get("/admin/calls_app/callresult/").status_code == 403
