"""The webhook kind this app records: a workflow API node's data push about one voicebot call."""

from pathlib import Path

from integrations.kinds import EventKind, InboundEvent

from .services import call_result_record


def _dedup_key(payload: dict) -> str:
    # Several API nodes of one workflow push the same call: each node's push is its own event.
    call = payload.get("call") if isinstance(payload.get("call"), dict) else {}
    call_id = call.get("call_id")
    return f"{call_id}@{payload.get('node_id') or ''}" if call_id else ""


def _process(inbound: InboundEvent) -> None:
    call_result_record(
        payload=inbound.payload,
        received_at=inbound.received_at,
        tz=inbound.tz,
        event_id=inbound.event_id,
    )


CALL_RESULT = EventKind(
    slug="call_result",
    url_path="call-result",
    label="Call result (API node push)",
    description="A workflow's API node reports one voicebot call: the contact, the call's "
    "timing and result labels, the transcript, answers to scripted questions, redials.",
    dedup_key=_dedup_key,
    process=_process,
    signed=False,
    example=Path(__file__).parent / "examples" / "custom_api_node_push.json",
)
