"""Rotation never refuses: a web process holding a copy cached before the rotation (another
process's view of the endpoint) accepts the new secret the moment the rotation returns."""

import copy
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.endpoints import _key
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.signing import signature_compute

pytestmark = pytest.mark.django_db


def _post(client, endpoint, payload, secret):
    body = json.dumps(payload)
    url = reverse("integrations:chatbot-session-end", kwargs={"token": endpoint.token})
    signature = signature_compute(secret=secret, body=body.encode())
    return client.post(url, body, content_type="application/json", HTTP_X_AIRUDDER_SIGN=signature)


def _endpoint_queries(queries) -> int:
    return sum("integrations_webhookendpoint" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def signed(endpoint):
    endpoint.signing_secret = "old-secret"
    endpoint.save()
    return endpoint


def _stale_copy_in_this_process(endpoint):
    """What another web process still remembers: the endpoint as it was before the rotation."""
    stale = copy.deepcopy(WebhookEndpoint.objects.get(pk=endpoint.pk))
    return lambda: cache.set(_key(stale.token_sha256), stale, 30)


def _rotate(endpoint, *args) -> str:
    out = io.StringIO()
    call_command("rotate_signing_secret", endpoint.name, "--json", *args, stdout=out)
    return json.loads(out.getvalue())["signing_secret"]


def test_the_new_secret_is_accepted_by_a_process_with_a_stale_copy(client, signed, chat_payload):
    remember_stale = _stale_copy_in_this_process(signed)
    new = _rotate(signed)
    remember_stale()  # the rotation happened in another process: this one was not told

    refusals = 0
    for i in range(20):
        chat_payload["timestamp"] += 1
        refusals += _post(client, signed, chat_payload, new).status_code != 200
        if i == 0:
            chat_payload["timestamp"] += 1
            assert _post(client, signed, chat_payload, "old-secret").status_code == 200

    assert refusals == 0
    assert WebhookEvent.objects.count() == 21


def test_the_fresh_copy_is_remembered_so_one_query_only(client, signed, chat_payload):
    remember_stale = _stale_copy_in_this_process(signed)
    new = _rotate(signed)
    remember_stale()

    with CaptureQueriesContext(connection) as first:
        assert _post(client, signed, chat_payload, new).status_code == 200
    chat_payload["timestamp"] += 1
    with CaptureQueriesContext(connection) as second:
        assert _post(client, signed, chat_payload, new).status_code == 200

    assert _endpoint_queries(first) == 1
    assert _endpoint_queries(second) == 0


def test_the_admin_action_is_seen_by_a_stale_process(admin_client, client, signed, chat_payload):
    remember_stale = _stale_copy_in_this_process(signed)
    admin_client.post(
        reverse("admin:integrations_webhookendpoint_changelist"),
        {"action": "rotate_signing_secret", "_selected_action": [signed.pk]},
    )
    new = WebhookEndpoint.objects.get(pk=signed.pk).signing_secret
    assert new != "old-secret"
    remember_stale()

    assert _post(client, signed, chat_payload, new).status_code == 200


def test_a_wrong_signature_is_still_refused_after_the_fresh_read(client, signed, chat_payload):
    remember_stale = _stale_copy_in_this_process(signed)
    _rotate(signed)
    remember_stale()

    assert _post(client, signed, chat_payload, "guessed").status_code == 401


def test_the_old_secret_is_refused_once_the_overlap_ended(client, signed, chat_payload):
    new = _rotate(signed, "--overlap-hours", "1")
    WebhookEndpoint.objects.filter(pk=signed.pk).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1)
    )
    cache.clear()

    assert _post(client, signed, chat_payload, "old-secret").status_code == 401
    assert _post(client, signed, chat_payload, new).status_code == 200


def test_signing_turned_off_elsewhere_accepts_the_token_alone(client, signed, chat_payload):
    remember_stale = _stale_copy_in_this_process(signed)
    WebhookEndpoint.objects.filter(pk=signed.pk).update(signing_secret="")
    remember_stale()

    assert _post(client, signed, chat_payload, "anything").status_code == 200


def test_a_bad_signature_with_a_fresh_copy_reads_the_endpoint_once(client, signed, chat_payload):
    _post(client, signed, chat_payload, "old-secret")  # remembered, current
    chat_payload["timestamp"] += 1

    with CaptureQueriesContext(connection) as queries:
        assert _post(client, signed, chat_payload, "guessed").status_code == 401

    assert _endpoint_queries(queries) == 1
