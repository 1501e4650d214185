"""Reads of call results that other layers ask for by payload."""

from .models import CallResult

_FIELDS = [
    "started_at",
    "ended_at",
    "time_zone",
    "answered",
    "talk_seconds",
    "ring_type",
    "hangup_type",
    "intention",
    "intention_description",
    "talk_round",
    "call_times",
    "case_id",
    "multi_label",
    "ner_slots",
]


def call_result_snapshot(payload: dict) -> dict[str, str]:
    """The call a push is about, as labelled text (no customer number or name)."""
    call_id = (
        payload.get("call", {}).get("call_id") if isinstance(payload.get("call"), dict) else ""
    )
    call = CallResult.objects.select_related("workflow").filter(call_id=str(call_id or "")).first()
    if call is None:
        return {}
    snapshot = {f"call {call.call_id}": "recorded", "workflow": str(call.workflow)}
    snapshot |= {name: str(getattr(call, name)) for name in _FIELDS}
    snapshot |= {
        "transcript turns": str(call.transcript.count()),
        "answers": str(call.answers.count()),
        "redials": str(call.redials.count()),
        "node pushes": ", ".join(
            call.node_pushes.order_by("node_id").values_list("node_id", flat=True)
        ),
    }
    return snapshot
