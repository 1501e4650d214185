"""The call-result webhook over HTTP: AI Rudder's example and each condition of the payload.

What it shares with the chatbot webhook (404, 405, 413, 400, 503) is in tests/integrations."""

import copy
import json
from datetime import UTC, datetime

import pytest

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult, NodePush
from integrations.models import WebhookEvent

from .variations import (
    MALFORMED,
    across_midnight,
    unanswered,
    with_null_ring_type,
    with_unknown_enums,
    without_optional_lists,
)

CALL = CALL_RESULT.slug
pytestmark = pytest.mark.django_db


def push(deliver, payload, **headers):
    """As AI Rudder's documented curl command sends it (no signature, only its User-Agent)."""
    return deliver(CALL, payload, HTTP_USER_AGENT="Airudder", **headers)


def test_example_with_the_documented_curl_headers_gets_200_and_an_empty_object(
    deliver, call_payload
):
    response = push(deliver, call_payload)

    assert response.status_code == 200
    assert response.json() == {}
    event = WebhookEvent.objects.get()
    assert event.kind == CALL
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.headers["User-Agent"] == "Airudder"
    assert event.dedup_key == "817377d194xxxxxxxxc8ad463bc81d996a@f878645926xxxxxxxxb0b779ba254"
    call = CallResult.objects.get()
    assert (call.transcript.count(), call.answers.count(), call.redials.count()) == (8, 1, 3)
    assert call.multi_label["Correct_Person"] == "identity_correct_person"
    assert call.started_at == datetime(2024, 3, 11, 8, 58, 26, tzinfo=UTC)
    assert call.node_pushes.get().custom_attribute == {"a": "1", "b": "2"}


def test_example_as_a_curl_data_raw_string(deliver, call_payload):
    # ``--data-raw`` sends the text as written: indented, with non-ASCII left as it is.
    call_payload["callee"]["callee_name"] = "José Ñúñez"
    body = json.dumps(call_payload, indent=4, ensure_ascii=False).encode()

    assert push(deliver, body).status_code == 200

    assert CallResult.objects.get().callee_name == "José Ñúñez"


def test_retries_are_one_event_and_one_call(deliver, call_payload):
    answers = [push(deliver, call_payload) for _ in range(6)]

    assert [(a.status_code, a.json()) for a in answers] == [(200, {})] * 6
    event = WebhookEvent.objects.get()
    assert event.delivery_count == 6
    assert event.attempts == 1
    call = CallResult.objects.get()
    assert call.transcript.count() == 8
    assert call.node_pushes.count() == 1


def test_push_by_a_second_node_is_a_new_event_and_the_same_call(deliver, call_payload):
    push(deliver, call_payload)
    second = copy.deepcopy(call_payload)
    second["node_id"], second["node_name"] = "a0b1c2d3e4xxxxxxxx5f6a7b8c9d", "API3"
    second["custom_attribute"] = {"stage": "after-review"}
    second["call"]["intention"] = "F"

    assert push(deliver, second).status_code == 200

    assert WebhookEvent.objects.count() == 2
    call = CallResult.objects.get()
    assert call.intention == "F"
    assert [(p.node_name, p.custom_attribute) for p in call.node_pushes.all()] == [
        ("API2", {"a": "1", "b": "2"}),
        ("API3", {"stage": "after-review"}),
    ]


@pytest.mark.parametrize(
    ("variation", "check"),
    [
        (unanswered, lambda call: not call.answered and call.talk_seconds == 0),
        (
            without_optional_lists,
            lambda call: (
                (call.answers.count(), call.redials.count(), call.borrowed_amount) == (0, 0, None)
            ),
        ),
        (with_unknown_enums, lambda call: call.ring_type == "ringing_forever"),
        (with_null_ring_type, lambda call: call.ring_type == ""),
        (
            across_midnight,
            lambda call: (
                call.talk_seconds == 70
                and call.started_at == datetime(2024, 3, 11, 16, 59, 30, tzinfo=UTC)
            ),
        ),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_readable_condition_is_200_and_a_call(deliver, call_payload, variation, check):
    response = push(deliver, variation(call_payload))

    assert (response.status_code, response.json()) == (200, {})
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED
    assert check(CallResult.objects.get())


@pytest.mark.parametrize(("variation", "error"), MALFORMED, ids=[v.__name__ for v, _ in MALFORMED])
def test_unreadable_field_is_200_and_a_failed_event_naming_it(
    deliver, call_payload, variation, error
):
    # AI Rudder cannot fix its payload by retrying: the delivery is accepted, the event fails.
    response = push(deliver, variation(call_payload))

    assert (response.status_code, response.json()) == (200, {})
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.error == error
    assert not CallResult.objects.exists()
    assert not NodePush.objects.exists()


def test_no_signature_is_needed_even_when_the_endpoint_has_a_signing_secret(
    deliver, endpoint, call_payload
):
    # The secret is for chatbot notifications; data pushes are not signed by AI Rudder.
    endpoint.signing_secret = "s3cret"
    endpoint.save()

    assert push(deliver, call_payload).status_code == 200
    assert CallResult.objects.exists()
