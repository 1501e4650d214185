"""The Content-Security-Policy header (django-csp, docs/operations.md) on every key page: this
origin only, no eval, and every inline <style> or <script> carrying the response's nonce."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
INLINE = re.compile(r"<(style|script)\b([^>]*)>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def _check(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
    assert "'unsafe-eval'" not in " ".join(v for values in policy.values() for v in values)
    html = response.content.decode()
    nonces = {v[len("'nonce-") : -1] for v in policy["script-src"] if v.startswith("'nonce-")}
    for tag, attributes in INLINE.findall(html):
        if "src=" in attributes or "application/json" in attributes:
            continue
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        assert nonce and nonce.group(1) in nonces, f"inline <{tag}{attributes}> without nonce"


@pytest.fixture
def records(deliver, call_payload, chat_payload):
    from calls_app.models import CallResult
    from sessions_app.models import ChatSession

    assert deliver("call_result", call_payload).status_code == 200
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    return CallResult.objects.get(), ChatSession.objects.get()


def test_every_key_page_has_the_policy(admin_client, records):
    call, chat = records
    pages = [
        "/admin/",
        "/admin/calls_app/callresult/",
        f"/admin/calls_app/callresult/{call.pk}/change/",
        "/admin/sessions_app/chatsession/",
        f"/admin/sessions_app/chatsession/{chat.pk}/change/",
        "/admin/integrations/webhookevent/",
        "/admin/integrations/auditentry/",
        f"/admin/customers/history/?call={call.pk}",
        reverse("dashboard:index"),
        reverse("dashboard:inbox"),
        "/api/docs/",
        "/api/calls/?format=api",
        "/account/settings/",
    ]
    for path in pages:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        _check(response)


def test_pages_without_a_login_have_it_too(db):
    client = Client()
    for path in ("/admin/login/", "/healthz", "/api/calls/"):
        _check(client.get(path))


def test_a_list_without_actions_keeps_its_style_with_the_nonce(admin_client, monkeypatch):
    """Django's change list adds an inline <style> when a list has no actions (ours: with nonce)."""
    from django.contrib import admin

    from calls_app.models import CallResult

    model_admin = admin.site._registry[CallResult]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    response = admin_client.get("/admin/calls_app/callresult/")
    assert response.content.decode().count("th:first-child {width: inherit}") == 1
    _check(response)
