"""The webhook kind this app records: a workflow API node's data push about one voicebot call."""

import json
from pathlib import Path

from integrations.kinds import EventKind, InboundEvent, example_fields

from .batch import call_results_record
from .selectors import call_result_snapshot
from .services import call_result_record


def _dedup_key(payload: dict) -> str:
    # Several API nodes of one workflow push the same call: each node's push is its own event.
    call = payload.get("call") if isinstance(payload.get("call"), dict) else {}
    call_id = call.get("call_id")
    return f"{call_id}@{payload.get('node_id') or ''}" if call_id else ""


EXAMPLE = Path(__file__).parent / "examples" / "custom_api_node_push.json"

# Objects whose keys each customer configures in AI Rudder: never drift below them.
FREE_FORM = {
    "custom_attribute.*",
    "callee.extend.*",
    "callee.extra[].*",
    "call.multi_label.*",
    "call.ner_slots.*",
    "call.slots.*",
    "call.question_answer[].verification_results.*",
    "call.question_answer[].answer_text_slot.*",
}
KNOWN_VALUES = {
    "call.ring_type": frozenset(
        {"busy", "cantuse", "holdline", "switchoff", "outofarea", "unregister", "wrongnum"}
        | {"notmatch", "normal", "null"}
    ),
    "call.hangup_type": frozenset({"ByCallee", "ByRobot", "Canceled"}),
}
KNOWN_VALUES["call.redial_call[].ring_type"] = KNOWN_VALUES["call.ring_type"]
KNOWN_VALUES["call.redial_call[].hangup_type"] = KNOWN_VALUES["call.hangup_type"]


def _known_fields() -> frozenset[str]:
    documented = example_fields(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    free_form = FREE_FORM | {p[:-2] for p in FREE_FORM}
    return frozenset(documented | free_form)


def _process(inbound: InboundEvent) -> None:
    call_result_record(**inbound.arguments("received_at", "tz"))


CALL_RESULT = EventKind(
    slug="call_result",
    url_path="call-result",
    label="Call result (API node push)",
    description="A workflow's API node reports one voicebot call: the contact, the call's "
    "timing and result labels, the transcript, answers to scripted questions, redials.",
    dedup_key=_dedup_key,
    process=_process,
    process_many=call_results_record,
    signed=False,
    example=EXAMPLE,
    snapshot=call_result_snapshot,
    known_fields=_known_fields(),
    known_values=KNOWN_VALUES,
)
