"""The webhook kind this app records: AI Rudder's chatbot session end notification."""

from pathlib import Path

from integrations.kinds import EventKind, InboundEvent

from .services import chat_session_record


def _dedup_key(payload: dict) -> str:
    # AI Rudder's retries resend the same notification; a later notification of the same
    # conversation carries a newer ``timestamp`` and must be processed, not counted as a retry.
    call_id, timestamp = payload.get("call_id"), payload.get("timestamp")
    return f"{call_id}@{timestamp or ''}" if call_id else ""


def _process(inbound: InboundEvent) -> None:
    chat_session_record(payload=inbound.payload, event_id=inbound.event_id)


CHATBOT_SESSION_END = EventKind(
    slug="chatbot_session_end",
    url_path="chatbot-session-end",
    label="Chatbot session end",
    description="A WhatsApp conversation that a workflow started has ended: its outcome "
    "(intention, slots, event labels) and every message.",
    dedup_key=_dedup_key,
    process=_process,
    signed=True,
    example=Path(__file__).parent / "examples" / "chatbot_session_end.json",
)
