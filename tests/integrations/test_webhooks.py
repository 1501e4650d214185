"""The answers of the webhooks over HTTP: the chatbot session-end one, and what both kinds share."""

import copy
import io
import json

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse

from calls_app.kinds import CALL_RESULT
from integrations import kinds
from integrations.models import WebhookEvent
from integrations.signing import signature_compute
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
# What the webhooks share is checked for each kind: AI Rudder's example of each.
KINDS = [CHAT, CALL_RESULT.slug]
pytestmark = pytest.mark.django_db


def example(kind: str) -> dict:
    return copy.deepcopy(kinds.get(kind).example_payload)


def test_example_with_empty_signature_gets_200_and_an_empty_object(deliver, chat_payload):
    # AI Rudder's documented curl command sends "X-AIRudder-Sign;" (an empty header).
    response = deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="")

    assert response.status_code == 200
    assert response.json() == {}
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert bytes(event.body) == json.dumps(chat_payload).encode()
    session = ChatSession.objects.get()
    assert session.messages.count() == 16


def test_example_sent_six_times_is_one_session_and_one_event(deliver, chat_payload):
    answers = [deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="") for _ in range(6)]

    assert [(a.status_code, a.json()) for a in answers] == [(200, {})] * 6
    event = WebhookEvent.objects.get()
    assert event.delivery_count == 6
    assert event.attempts == 1
    session = ChatSession.objects.get()
    assert session.messages.count() == 16


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_token_is_404_and_stores_nothing(deliver, kind):
    response = deliver(kind, example(kind), token="not-a-token")

    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_inactive_endpoint_is_404_and_stores_nothing(deliver, endpoint, kind):
    endpoint.is_active = False
    endpoint.save()

    assert deliver(kind, example(kind)).status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("path", ["chatbot-session-end", "call-result"])
def test_get_is_not_allowed(client, endpoint, path):
    assert client.get(f"/webhooks/airudder/{endpoint.token}/{path}/").status_code == 405


class TestSignature:
    @pytest.fixture(autouse=True)
    def secret(self, endpoint):
        endpoint.signing_secret = "s3cret"
        endpoint.save()

    def test_matching_signature_is_accepted(self, deliver, chat_payload):
        body = json.dumps(chat_payload).encode()
        signature = signature_compute(secret="s3cret", body=body)

        response = deliver(CHAT, body, HTTP_X_AIRUDDER_SIGN=signature)

        assert response.status_code == 200
        assert ChatSession.objects.count() == 1

    def test_uppercase_hex_signature_is_accepted(self, deliver, chat_payload):
        body = json.dumps(chat_payload).encode()
        signature = signature_compute(secret="s3cret", body=body).upper()

        assert deliver(CHAT, body, HTTP_X_AIRUDDER_SIGN=signature).status_code == 200

    @pytest.mark.parametrize("signature", ["", "0" * 64, "not hex at all"])
    def test_wrong_or_empty_signature_is_401_and_stores_nothing(
        self, deliver, chat_payload, signature
    ):
        response = deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN=signature)

        assert response.status_code == 401
        assert "X-AIRudder-Sign" in response.json()["error"]
        assert not WebhookEvent.objects.exists()

    def test_signature_of_another_body_is_401(self, deliver, chat_payload):
        signature = signature_compute(secret="s3cret", body=b"{}")

        assert deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN=signature).status_code == 401

    @override_settings(AIRUDDER_SIGNATURE_SCHEME="hmac-sha256-base64")
    def test_scheme_is_a_setting(self, deliver, chat_payload):
        body = json.dumps(chat_payload).encode()
        hex_signature = signature_compute(secret="s3cret", body=body, scheme="hmac-sha256-hex")
        b64_signature = signature_compute(secret="s3cret", body=body)

        assert deliver(CHAT, body, HTTP_X_AIRUDDER_SIGN=hex_signature).status_code == 401
        assert deliver(CHAT, body, HTTP_X_AIRUDDER_SIGN=b64_signature).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
@override_settings(AIRUDDER_MAX_BODY_BYTES=1024)
def test_body_over_the_limit_is_413_and_stores_nothing(deliver, kind):
    response = deliver(kind, example(kind))

    assert response.status_code == 413
    assert "1024" in response.json()["error"]
    assert not WebhookEvent.objects.exists()


class UnreadableInput(io.BytesIO):
    """A ``wsgi.input`` that records any read: a body declared too large must not be read."""

    def __init__(self, body: bytes):
        super().__init__(body)
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)

    def readline(self, *args):
        self.reads += 1
        return super().readline(*args)


@pytest.mark.parametrize("kind", KINDS)
@override_settings(AIRUDDER_MAX_BODY_BYTES=1024)
def test_body_declared_over_the_limit_is_413_unread(endpoint, kind):
    url = reverse(kinds.get(kind).url_name, kwargs={"token": endpoint.token})
    body = b"{" + b" " * 2000 + b"}"
    stream = UnreadableInput(body)
    request = RequestFactory().generic(
        "POST", url, data=body, content_type="application/json", **{"wsgi.input": stream}
    )
    assert request.META["CONTENT_LENGTH"] == str(len(body))

    response = resolve(url).func(request, **resolve(url).kwargs)

    assert response.status_code == 413
    assert stream.reads == 0
    assert not WebhookEvent.objects.exists()


@override_settings(AIRUDDER_MAX_BODY_BYTES=1024)
def test_body_at_the_limit_is_accepted(deliver):
    body = json.dumps({"call_id": "c1", "pad": ""}).encode()
    body = body.replace(b'""', b'"' + b"x" * (1024 - len(body)) + b'"')
    assert len(body) == 1024

    assert deliver(CHAT, body).status_code == 200


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object, got list"),
        (b'"text"', "must be a JSON object, got str"),
        (b"", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_body_that_is_not_a_json_object_is_400_and_kept_as_failed(deliver, body, problem, kind):
    response = deliver(kind, body)

    assert response.status_code == 400
    assert problem in response.json()["error"]
    event = WebhookEvent.objects.get()
    assert event.kind == kind
    assert event.status == WebhookEvent.Status.FAILED
    assert problem in event.error
    assert bytes(event.body) == body
    assert response.json()["event_id"] == event.pk


def test_same_bad_body_twice_is_one_failed_event(deliver):
    deliver(CHAT, b"{oops")
    response = deliver(CHAT, b"{oops")

    assert response.status_code == 400
    assert WebhookEvent.objects.get().delivery_count == 2


def test_payload_that_fails_validation_is_200_and_a_failed_event_naming_the_field(
    deliver, chat_payload
):
    chat_payload["messages"][3]["timestamp"] = "yesterday"

    response = deliver(CHAT, chat_payload)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.error == "messages[3].timestamp: expected an integer, got 'yesterday'"
    assert not ChatSession.objects.exists()


def test_headers_are_stored_without_credentials(deliver, chat_payload):
    deliver(
        CHAT,
        chat_payload,
        HTTP_USER_AGENT="Airudder",
        HTTP_AUTHORIZATION="Bearer secret-token",
        HTTP_COOKIE="sessionid=abc",
        HTTP_X_AIRUDDER_SIGN="",
        REMOTE_ADDR="203.0.113.7",
    )

    event = WebhookEvent.objects.get()
    names = {name.lower() for name in event.headers}
    assert event.headers["User-Agent"] == "Airudder"
    assert "x-airudder-sign" in names
    assert "authorization" not in names
    assert "cookie" not in names
    assert event.remote_addr == "203.0.113.7"


@pytest.mark.parametrize("kind", KINDS)
def test_database_unavailable_is_503(deliver, kind):
    def unavailable(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(unavailable):
        response = deliver(kind, example(kind))

    assert response.status_code == 503
    assert "retry" in response.json()["error"]


def test_newer_notification_of_the_same_call_is_a_new_event_and_replaces(deliver, chat_payload):
    deliver(CHAT, chat_payload)
    chat_payload["timestamp"] += 60
    chat_payload["intention"] = "F"
    chat_payload["messages"] = chat_payload["messages"][:2]

    assert deliver(CHAT, chat_payload).status_code == 200

    assert WebhookEvent.objects.count() == 2
    session = ChatSession.objects.get()
    assert session.intention == "F"
    assert session.messages.count() == 2
