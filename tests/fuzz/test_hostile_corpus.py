"""A corpus of bad bodies, built from AI Rudder's two examples, through the real webhook URLs.

Property of every body: the answer is 200, or 400 (not a JSON object) or 413 (too large); the
delivery is stored; it is either processed or failed with an error that starts with the path of
a field (``body``, ``call_id``, ``messages[3].content.text``…), never a traceback; and afterwards
the API lists, the admin lists of chat sessions and call results, and the event's admin page
answer below 500 (the lists are fetched when the event recorded something).
"""

import copy
import json
import re

import pytest

from calls_app.kinds import CALL_RESULT
from integrations.models import WebhookEvent
from sessions_app.kinds import CHATBOT_SESSION_END
from tests.conftest import CALL_EXAMPLE, CHAT_EXAMPLE

CHAT, CALL = CHATBOT_SESSION_END.slug, CALL_RESULT.slug
EXAMPLES = {CHAT: CHAT_EXAMPLE, CALL: CALL_EXAMPLE}
# ~900 bodies, each delivered and its pages read: minutes, so it runs with `make fuzz` (and CI),
# not in the suite every change pays for.
pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# An error starts with a field's path and a colon, or with "body" (a body that is not JSON).
FIELD_ERROR = re.compile(r"^(body[ :]|[A-Za-z_]\w*(\.\w+|\[\d+\]|\['[^']*'\])*: )")

WRONG_VALUES = {
    "null": None,
    "array": [],
    "object": {},
    "true": True,
    "huge_int": 2**70,
    "minus_minus": "--1",
    "long_text": "x" * 300,
    "nul": "a\x00b",
    "surrogate": "\ud800",
}


def _dumps(payload) -> bytes:
    return json.dumps(payload).encode()


def _with(kind: str, path: tuple, value) -> dict:
    payload = copy.deepcopy(EXAMPLES[kind])
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


def _field_paths(kind: str) -> list[tuple]:
    """Every top-level field, and those of ``call``, ``callee``, one message and its content."""
    example = EXAMPLES[kind]
    paths = [(key,) for key in example]
    if kind == CALL:
        paths += [("call", key) for key in example["call"]]
        paths += [("callee", key) for key in example["callee"]]
        paths += [("call", "redial_call", 0, key) for key in example["call"]["redial_call"][0]]
        paths += [("call", "asr_result", 0, key) for key in example["call"]["asr_result"][0]]
    else:
        paths += [("messages", 2, key) for key in example["messages"][2]]
        paths += [("messages", 2, "content", key) for key in example["messages"][2]["content"]]
        paths += [("messages", 0, "content", "system", "type")]
    return paths


def _corpus():
    for kind, example in EXAMPLES.items():
        body = _dumps(example)
        yield f"{kind}-truncated-half", kind, body[: len(body) // 2]
        yield f"{kind}-truncated-one-byte", kind, body[:-1]
        yield f"{kind}-empty", kind, b""
        for name, raw in [("array", b"[]"), ("array-of-it", b"[" + body + b"]"), ("null", b"null")]:
            yield f"{kind}-{name}", kind, raw
        yield f"{kind}-string", kind, b'"' + b"x" * 100 + b'"'
        yield f"{kind}-invalid-utf8", kind, body.replace(b'"', b'"\xff', 1)
        yield (
            f"{kind}-latin1",
            kind,
            json.dumps(example, ensure_ascii=False).encode("latin-1", "replace"),
        )
        yield f"{kind}-deep", kind, b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        yield (
            f"{kind}-deep-kept",
            kind,
            body.replace(b"{", b'{"x":' + b"[" * 900 + b"]" * 900 + b",", 1),
        )
        for constant in (b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000):
            yield (
                f"{kind}-number-{constant[:9].decode()}",
                kind,
                body.replace(
                    b'"workflow_name": ', b'"workflow_name": ' + constant + b', "was": ', 1
                ),
            )
        for path in _field_paths(kind):
            for name, value in WRONG_VALUES.items():
                yield (
                    f"{kind}-{'.'.join(map(str, path))}-{name}",
                    kind,
                    _dumps(_with(kind, path, value)),
                )
        deleted = copy.deepcopy(example)
        for key in list(deleted):
            trimmed = copy.deepcopy(example)
            del trimmed[key]
            yield f"{kind}-without-{key}", kind, _dumps(trimmed)
    times = [
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1969-12-31T23:59:59Z",
        "2025-02-30T00:00:00Z", "2025-04-15T06:41:00+25:00", "yesterday", "", 1744699269,
    ]  # fmt: skip
    for value in times:
        for key in ("session_start_time", "session_end_time"):
            yield f"chat-{key}-{value}", CHAT, _dumps(_with(CHAT, (key,), value))
    for value in [-1, 0, 2**31, 2**63, 1744699269000, "1744699269", "-0", 1e20, 1744699269.5]:
        yield f"chat-timestamp-{value}", CHAT, _dumps(_with(CHAT, ("timestamp",), value))
        yield (
            f"chat-message-timestamp-{value}",
            CHAT,
            _dumps(_with(CHAT, ("messages", 3, "timestamp"), value)),
        )
    local_times = [
        "0001-01-01 00:00:00", "9999-12-31 23:59:59", "2024-02-30 10:00:00", "2024-03-11T15:58:26",
        "25:00:00", "",
    ]  # fmt: skip
    for value in local_times:
        for path in [("call", "call_start_time"), ("call", "call_end_time"),
                     ("call", "redial_call", 0, "call_start_time")]:  # fmt: skip
            yield f"call-{'.'.join(map(str, path))}-{value}", CALL, _dumps(_with(CALL, path, value))
    for value in ["1e999", "NaN", "-1", "1" * 40, "0.00001", "20,000.00"]:
        yield (
            f"call-borrowed_amount-{value}",
            CALL,
            _dumps(_with(CALL, ("callee", "borrowed_amount"), value)),
        )
    for value in ["0000-00-00", "9999-99-99", "2024-02-30"]:
        yield f"call-due_date-{value}", CALL, _dumps(_with(CALL, ("callee", "due_date"), value))
    for value in ["99:99:99", "-00:00:01", "1000:00:00", "00:00:00\x00"]:
        yield (
            f"call-asr-time-{value}",
            CALL,
            _dumps(_with(CALL, ("call", "asr_result", 0, "time"), value)),
        )


CORPUS = [pytest.param(kind, body, id=name[:120]) for name, kind, body in _corpus()]


@pytest.mark.parametrize(("kind", "body"), CORPUS)
def test_bad_body_is_stored_and_fails_naming_a_field(deliver, admin_client, kind, body):
    response = deliver(kind, body, HTTP_X_AIRUDDER_SIGN="")

    assert response.status_code in (200, 400, 413), response.content
    event = WebhookEvent.objects.get()
    assert bytes(event.body) == body
    assert event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.FAILED)
    if event.status == WebhookEvent.Status.FAILED:
        assert FIELD_ERROR.match(event.error), event.error
        assert event.traceback == "", event.traceback
    # A failed event recorded nothing, so only its own page can show something new.
    pages = [f"/admin/integrations/webhookevent/{event.pk}/change/"]
    if event.status == WebhookEvent.Status.PROCESSED:
        pages += [
            "/api/sessions/",
            "/api/calls/",
            "/admin/sessions_app/chatsession/",
            "/admin/calls_app/callresult/",
        ]
    for url in pages:
        assert admin_client.get(url).status_code < 500, url
