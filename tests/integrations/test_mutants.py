"""Tests that fail when a weakness is put back: comparisons that are not constant-time, a dedup
key whose fallback is a constant, a retry counted as new from its third delivery only."""

import hashlib
import hmac
import json
from unittest import mock

import pytest

from integrations import services, signing
from integrations.models import WebhookEvent
from integrations.services import webhook_dedup_key, webhook_event_receive
from integrations.signing import signature_compute, signature_is_valid
from operations import metrics
from sessions_app.kinds import CHATBOT_SESSION_END

CHAT = CHATBOT_SESSION_END.slug
BODY = b'{"call_id": "c-1"}'


def _spy(module):
    """``module.hmac.compare_digest``, still comparing, but recorded."""
    return mock.patch.object(module.hmac, "compare_digest", wraps=hmac.compare_digest)


def test_the_signature_is_compared_in_constant_time(settings):
    settings.AIRUDDER_SIGNATURE_SCHEME = "hmac-sha256-hex"
    good = signature_compute(secret="s", body=BODY)

    with _spy(signing) as compare:
        assert signature_is_valid(secret="s", body=BODY, signature=good.upper())
        assert not signature_is_valid(secret="s", body=BODY, signature="0" * 64)

    assert compare.call_count == 2
    assert compare.call_args_list[0].args == (good.encode(), good.encode())


def test_the_signature_check_answers_what_compare_digest_answers(settings):
    good = signature_compute(secret="s", body=BODY)
    with mock.patch.object(signing.hmac, "compare_digest", return_value=False):
        assert not signature_is_valid(secret="s", body=BODY, signature=good)
    with mock.patch.object(signing.hmac, "compare_digest", return_value=True):
        assert signature_is_valid(secret="s", body=BODY, signature="wrong")


@pytest.mark.django_db
def test_the_metrics_token_is_compared_in_constant_time(client, settings):
    settings.AIRUDDER_METRICS_TOKEN = "scrape-token"

    with _spy(metrics) as compare:
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").status_code == 200
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401

    assert [c.args for c in compare.call_args_list] == [
        (b"scrape-token", b"scrape-token"),
        (b"nope", b"scrape-token"),
    ]


@pytest.mark.django_db
def test_the_metrics_token_check_answers_what_compare_digest_answers(client, settings):
    settings.AIRUDDER_METRICS_TOKEN = "scrape-token"
    with mock.patch.object(metrics.hmac, "compare_digest", return_value=False):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").status_code == 401
    with mock.patch.object(metrics.hmac, "compare_digest", return_value=True):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer other").status_code == 200


@pytest.mark.parametrize("payload", [None, {}, {"call_id": ""}, {"call_id": "x" * 300}])
def test_without_a_usable_id_the_key_is_the_body_digest(payload):
    body = json.dumps(payload).encode() + b" "

    key = webhook_dedup_key(kind=CHAT, payload=payload, body=body)

    assert key == "sha256:" + hashlib.sha256(body).hexdigest()
    other = webhook_dedup_key(kind=CHAT, payload=payload, body=body + b" ")
    assert other != key  # never a constant: a different body is a different notification


def test_a_dedup_key_that_raises_falls_back_to_the_digest():
    def broken(payload):
        raise KeyError("call_id")

    with mock.patch.object(services.kinds, "get") as get:
        get.return_value.dedup_key = broken
        key = webhook_dedup_key(kind=CHAT, payload={"call_id": "c"}, body=BODY)
    assert key == "sha256:" + hashlib.sha256(BODY).hexdigest()


@pytest.mark.django_db
def test_id_less_deliveries_with_different_bodies_are_different_events(endpoint):
    for body in (b'{"a": 1}', b'{"a": 2}'):
        webhook_event_receive(
            endpoint=endpoint, kind=CHAT, body=body, headers={}, remote_addr=None, enqueue=False
        )
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_second_delivery_is_a_retry(endpoint, chat_payload, django_capture_on_commit_callbacks):
    body = json.dumps(chat_payload).encode()

    def receive():
        return webhook_event_receive(
            endpoint=endpoint, kind=CHAT, body=body, headers={}, remote_addr=None
        )

    with django_capture_on_commit_callbacks() as first_queued:
        first = receive()
    with django_capture_on_commit_callbacks() as second_queued:
        second = receive()
    with django_capture_on_commit_callbacks() as third_queued:
        third = receive()

    assert (first.created, second.created, third.created) == (True, False, False)
    assert (len(first_queued), len(second_queued), len(third_queued)) == (1, 0, 0)
    assert second.event.pk == first.event.pk
    assert (second.event.delivery_count, third.event.delivery_count) == (2, 3)
