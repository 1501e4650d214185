"""Staff users who can sign in on the first try, by command or through the admin's user form."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from dashboard.roles import roles_setup

pytestmark = pytest.mark.django_db


def _create(*args) -> dict:
    out = io.StringIO()
    call_command("create_staff_user", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("Support", "admin:calls_app_callresult_changelist"),
        ("Managers", "dashboard:index"),
        ("Integrators", "admin:integrations_webhookevent_changelist"),
    ],
)
def test_a_new_user_of_each_role_signs_in_and_opens_their_page(client, role, page):
    created = _create("agent", "--role", role)

    assert client.login(username=created["username"], password=created["password"])
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse(page)).status_code == 200
    assert created["groups"] == [role]


def test_contact_details_adds_the_group(django_user_model):
    created = _create("lead", "--role", "Support", "--contact-details")

    user = django_user_model.objects.get(username="lead")
    assert created["groups"] == ["Customer details", "Support"]
    assert user.has_perm("integrations.view_contact_details")


def test_an_existing_username_is_refused():
    _create("agent", "--role", "Support")

    with pytest.raises(CommandError, match="exists already"):
        _create("agent", "--role", "Support")


def test_the_password_is_printed_once_in_plain_output():
    out = io.StringIO()
    call_command("create_staff_user", "someone", "--role", "Managers", stdout=out)

    assert "with the password: " in out.getvalue()
    assert "shown this once" in out.getvalue()


def test_a_user_given_a_role_in_the_admin_can_sign_in(admin_client, client, django_user_model):
    roles_setup()
    user = django_user_model.objects.create_user("newcomer", password="a-long-password-1")
    assert not user.is_staff
    support = Group.objects.get(name="Support")

    user.groups.add(support)  # what the user form's groups field does on save

    user.refresh_from_db()
    assert user.is_staff
    assert client.login(username="newcomer", password="a-long-password-1")
    assert client.get(reverse("admin:index")).status_code == 200


def test_customer_details_alone_does_not_make_a_staff_user(django_user_model):
    roles_setup()
    user = django_user_model.objects.create_user("viewer")

    user.groups.add(Group.objects.get(name="Customer details"))

    user.refresh_from_db()
    assert not user.is_staff
