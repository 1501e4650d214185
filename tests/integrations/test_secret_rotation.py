"""Rotating an endpoint's signing secret without refusing a single delivery."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import webhook_endpoint_rotate_secret
from integrations.signing import signature_compute

pytestmark = pytest.mark.django_db


def _post(client, endpoint, payload, secret):
    body = json.dumps(payload)
    url = reverse("integrations:chatbot-session-end", kwargs={"token": endpoint.token})
    signature = signature_compute(secret=secret, body=body.encode())
    return client.post(url, body, content_type="application/json", HTTP_X_AIRUDDER_SIGN=signature)


@pytest.fixture
def signed(endpoint):
    endpoint.signing_secret = "old-secret"
    endpoint.save()
    return endpoint


def test_during_the_overlap_both_secrets_are_accepted(client, signed, chat_payload):
    new = webhook_endpoint_rotate_secret(endpoint=signed, overlap=timedelta(hours=1))

    assert _post(client, signed, chat_payload, "old-secret").status_code == 200
    chat_payload["timestamp"] += 1
    assert _post(client, signed, chat_payload, new).status_code == 200
    assert WebhookEvent.objects.count() == 2


def test_after_the_overlap_the_old_secret_is_refused(client, signed, chat_payload):
    new = webhook_endpoint_rotate_secret(endpoint=signed, overlap=timedelta(hours=1))
    WebhookEndpoint.objects.filter(pk=signed.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert _post(client, signed, chat_payload, "old-secret").status_code == 401
    assert _post(client, signed, chat_payload, new).status_code == 200


def test_a_secret_never_rotated_is_the_only_one(client, signed, chat_payload):
    assert signed.signing_secrets() == ["old-secret"]
    assert _post(client, signed, chat_payload, "something-else").status_code == 401


def test_the_command_rotates_and_prints_the_new_secret_once(signed):
    out = io.StringIO()

    call_command("rotate_signing_secret", signed.name, "--overlap-hours", "2", "--json", stdout=out)

    result = json.loads(out.getvalue())
    signed.refresh_from_db()
    assert result["signing_secret"] == signed.signing_secret != "old-secret"
    assert signed.previous_signing_secret == "old-secret"
    expires = signed.previous_secret_expires_at
    assert timedelta(hours=1, minutes=59) < expires - timezone.now() <= timedelta(hours=2)


def test_the_admin_action_rotates_the_chosen_endpoints(admin_client, signed):
    response = admin_client.post(
        reverse("admin:integrations_webhookendpoint_changelist"),
        {"action": "rotate_signing_secret", "_selected_action": [signed.pk]},
        follow=True,
    )

    signed.refresh_from_db()
    assert signed.signing_secret != "old-secret"
    assert signed.previous_signing_secret == "old-secret"
    assert signed.signing_secret in response.content.decode()
