"""NaN, Infinity, overflowing floats and integers too long to read are refused naming the JSON
path where they stand; the delivery is still stored, as a failed event."""

import json

import pytest

from calls_app.kinds import CALL_RESULT
from integrations.models import WebhookEvent
from integrations.services import webhook_body_parse

CALL = CALL_RESULT.slug
MARKER = "__MARKER__"


def _body(payload: dict, raw: str) -> bytes:
    text = json.dumps(payload)
    assert f'"{MARKER}"' in text
    return text.replace(f'"{MARKER}"', raw).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "raw", "error"),
    [
        (("call", "talk_round"), "NaN", "call.talk_round: NaN is not a JSON number"),
        (("call", "ring_time"), "Infinity", "call.ring_time: Infinity is not a JSON number"),
        (("call", "call_times"), "-Infinity", "call.call_times: -Infinity is not a JSON number"),
        (("call", "ring_time"), "1e999", "call.ring_time: 1e999 is too large for a float"),
        (
            ("call", "call_times"),
            "9" * 5000,
            "call.call_times: an integer of 5000 digits is too large (at most 100)",
        ),
        (
            ("call", "asr_result", 1, "time"),
            "NaN",
            "call.asr_result[1].time: NaN is not a JSON number",
        ),
        (
            ("call", "ner_slots", "due date"),
            "NaN",
            "call.ner_slots['due date']: NaN is not a JSON number",
        ),
    ],
)
def test_the_error_names_the_field(deliver, call_payload, where, raw, error):
    target = call_payload
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = MARKER
    body = _body(call_payload, raw)

    response = deliver(CALL, body)

    assert response.status_code == 400
    assert response.json()["error"] == error
    event = WebhookEvent.objects.get()
    assert (event.status, event.error, bytes(event.body)) == ("failed", error, body)
    assert response.json()["event_id"] == event.pk


def test_the_first_in_document_order_is_named():
    body = b'{"a": 1, "b": {"c": [0, NaN]}, "d": Infinity}'
    assert webhook_body_parse(body) == (None, "b.c[1]: NaN is not a JSON number")


def test_a_long_key_is_shown_cut_short():
    key = "x" * 500
    payload, error = webhook_body_parse(json.dumps({key: 1}).replace("1", "NaN").encode())
    assert payload is None
    assert error.startswith("['xxx") and error.endswith("…]: NaN is not a JSON number")
    assert len(error) < 120


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"NaN", "body is not usable JSON: NaN is not a JSON number"),
        (b"[1, NaN]", "body is not usable JSON: NaN is not a JSON number"),
        # a repeated key hides the first value: still refused, without a path
        (b'{"a": NaN, "a": 1}', "body is not usable JSON: NaN is not a JSON number"),
    ],
)
def test_without_a_field_to_name_the_body_is_named(body, error):
    assert webhook_body_parse(body) == (None, error)


def test_a_deeply_nested_number_is_found_without_recursion():
    body = b'{"a": ' + b"[" * 900 + b"NaN" + b"]" * 900 + b"}"
    payload, error = webhook_body_parse(body)
    assert payload is None
    assert error == "a" + "[0]" * 899 + "[0]: NaN is not a JSON number"


def test_usable_numbers_still_parse():
    assert webhook_body_parse(b'{"a": 1.5, "b": -3, "c": 1e300}') == (
        {"a": 1.5, "b": -3, "c": 1e300},
        "",
    )
