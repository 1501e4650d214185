"""Variations of AI Rudder's example push, one per distinct condition of the payload.

Each takes the example (a deep copy) and returns it changed; the services tests and the HTTP tests
both build on them, so that each condition is checked at both levels with the same payload.
"""

DEBT_FIELDS = [
    "borrowed_date",
    "due_date",
    "borrowed_amount",
    "total_owing_amount",
    "currency_unit",
]


def unanswered(payload: dict) -> dict:
    """AI Rudder gives an unanswered call's start as its end, and no transcript to speak of."""
    call = payload["call"]
    call["call_start_time"] = call["call_end_time"] = "2024-03-11 16:05:00"
    call["ring_type"], call["talk_round"], call["asr_result"] = "busy", 0, []
    call["question_answer"] = []
    return payload


def without_optional_lists(payload: dict) -> dict:
    """A push from a workflow without questions, redials or caller number, outside collections."""
    for key in ["question_answer", "redial_call", "caller_number"]:
        del payload["call"][key]
    for key in DEBT_FIELDS:
        del payload["callee"][key]
    return payload


def with_unknown_enums(payload: dict) -> dict:
    """Values the spec does not list, which must be kept as they came and never fail."""
    payload["call"]["ring_type"] = "ringing_forever"
    payload["call"]["hangup_type"] = "ByNetwork"
    payload["call"]["redial_call"][0]["ring_type"] = None
    payload["callee"]["borrowed_amount"] = ""
    payload["callee"]["currency_unit"] = None
    return payload


def with_null_ring_type(payload: dict) -> dict:
    payload["call"]["ring_type"] = None
    return payload


def across_midnight(payload: dict) -> dict:
    """A call picked up at 23:59:30 local time that ends 70 s later, on the next day."""
    call = payload["call"]
    call["call_start_time"] = "2024-03-11 23:59:30"
    call["call_end_time"] = "2024-03-12 00:00:40"
    call["redial_call"][2]["call_start_time"] = "2024-03-11 23:58:10"
    return payload


def with_field(path: str, value):
    """A variation that sets one field, named by its path (``call.asr_result[2].time``).

    ``value`` ``...`` (Ellipsis) removes the field instead.
    """

    def _apply(payload: dict) -> dict:
        *parents, last = _steps(path)
        target = payload
        for step in parents:
            target = target[step]
        if value is ...:
            del target[last]
        else:
            target[last] = value
        return payload

    _apply.__name__ = f"with {path}={value!r}"
    return _apply


def _steps(path: str) -> list:
    steps: list = []
    for part in path.split("."):
        name, _, index = part.partition("[")
        steps.append(name)
        if index:
            steps.append(int(index.rstrip("]")))
    return steps


# (variation, the event's error): fields that cannot be read fail the event, naming the field.
MALFORMED = [
    (
        with_field("callee.borrowed_date", "next Tuesday"),
        "callee.borrowed_date: 'next Tuesday' is not a date (YYYY-MM-DD)",
    ),
    (
        with_field("callee.total_owing_amount", "20.310,00"),
        "callee.total_owing_amount: '20.310,00' is not an amount",
    ),
    (
        with_field("callee.borrowed_amount", "1e30"),
        "callee.borrowed_amount: '1e30' is too large an amount",
    ),
    (
        with_field("call.call_start_time", "11/03/2024 15:58"),
        "call.call_start_time: '11/03/2024 15:58' is not a time of the form YYYY-MM-DD HH:MM:SS",
    ),
    (with_field("call", ...), "call: is required"),
    (with_field("call.call_id", ""), "call.call_id: is required"),
    (with_field("node_id", ...), "node_id: is required"),
    (
        with_field("call.asr_result[2].time", "soon"),
        "call.asr_result[2].time: 'soon' is not an offset of the form HH:MM:SS",
    ),
    (
        with_field("call.redial_call[1].call_start_time", "yesterday"),
        "call.redial_call[1].call_start_time: 'yesterday' is not a time of the form "
        "YYYY-MM-DD HH:MM:SS",
    ),
    (with_field("call.ring_time", "two"), "call.ring_time: expected an integer, got 'two'"),
    (
        with_field("call.multi_label", "A0"),
        "call.multi_label: expected an object, got a string",
    ),
    (
        with_field("call.ring_type", "r" * 65),
        "call.ring_type: is longer than 64 characters",
    ),
]
