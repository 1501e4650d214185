"""Login lockout (privacy.lockout, django-axes): repeated failures lock a username at an address,
the lockout is audited without the typed username when it looks like a phone number, and
nothing else that authenticates (API tokens, webhooks) is counted."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from privacy.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password-1"
ATTACKER, OTHER = "203.0.113.7", "198.51.100.20"
PHONE = "+62 812-3456-9092"


@pytest.fixture
def agent(django_user_model):
    return django_user_model.objects.create_user("agent", password=PASSWORD, is_staff=True)


def _login(username: str, password: str, ip: str = ATTACKER):
    return Client(REMOTE_ADDR=ip).post(
        reverse("admin:login"), {"username": username, "password": password}
    )


def _lock(username: str = "agent", ip: str = ATTACKER) -> list[int]:
    return [_login(username, f"wrong-{n}", ip).status_code for n in range(5)]


def test_five_failures_lock_and_the_sixth_is_refused_even_when_right(agent):
    assert _lock() == [200, 200, 200, 200, 429]
    refused = _login("agent", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session
    page = refused.content.decode()
    assert "locked for 15 minutes" in page and "administrator" in page
    assert PASSWORD not in page and "wrong-" not in page

    (entry,) = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_LOCKED_OUT)
    assert (entry.user, entry.username, entry.ip_address) == (agent, "agent", ATTACKER)
    assert entry.path == reverse("admin:login")
    assert entry.details == {"failure_limit": 5, "cooloff_minutes": 15, "username_withheld": False}
    assert PASSWORD not in str(entry.details) and "wrong-" not in str(entry.details)


def test_another_address_or_username_is_unaffected(agent, django_user_model):
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    _lock()
    assert _login("agent", PASSWORD, ip=OTHER).status_code == 302
    assert _login("colleague", PASSWORD).status_code == 302


def test_axes_reset_unlocks(agent):
    _lock()
    call_command("axes_reset", verbosity=0)
    assert _login("agent", PASSWORD).status_code == 302


def test_a_phone_number_typed_as_username_is_never_kept(db):
    assert _lock(PHONE)[-1] == 429
    (entry,) = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_LOCKED_OUT)
    assert entry.username == "" and entry.user is None and entry.details["username_withheld"]
    stored = " ".join(
        f"{a.username} {a.get_data} {a.post_data}" for a in AccessAttempt.objects.all()
    )
    assert "3456" not in stored and "9092" not in stored and "wrong-" not in stored


def test_api_tokens_and_webhooks_are_not_counted(agent, deliver, call_payload):
    agent.is_superuser = True
    agent.save()
    token = Token.objects.create(user=agent)
    api = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(8):
        assert api.get("/api/calls/", HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)
        assert deliver("call_result", call_payload, token="no-such-token").status_code == 404
    assert api.get("/api/calls/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert deliver("call_result", call_payload).status_code == 200
    assert not AccessAttempt.objects.exists()
    assert _login("agent", PASSWORD).status_code == 302
