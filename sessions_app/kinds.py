"""The webhook kind this app records: AI Rudder's chatbot session end notification."""

import json
from pathlib import Path

from integrations.kinds import EventKind, InboundEvent, example_fields

from .batch import chat_sessions_record
from .selectors import chat_session_snapshot
from .services import chat_session_record


def _dedup_key(payload: dict) -> str:
    # AI Rudder's retries resend the same notification; a later notification of the same
    # conversation carries a newer ``timestamp`` and must be processed, not counted as a retry.
    call_id, timestamp = payload.get("call_id"), payload.get("timestamp")
    return f"{call_id}@{timestamp or ''}" if call_id else ""


EXAMPLE = Path(__file__).parent / "examples" / "chatbot_session_end.json"


def _known_fields() -> frozenset[str]:
    """The documented example's fields; a reply's content has a message content's shape; the
    customer-configured objects are free-form."""
    documented = example_fields(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    content = {p for p in documented if p.startswith("messages[].content")}
    replies = {p.replace("messages[].content", "messages[].reply.content", 1) for p in content}
    also = {
        "messages[].content.media.caption",
        "messages[].content.template.content.header.text",
        "messages[].content.interactive.header",
        "messages[].content.interactive.header.text",
    }
    also |= {p.replace("messages[].content", "messages[].reply.content", 1) for p in also}
    free_form = {"ner_slots.*", "event_label.*", "variables.*"}
    return frozenset(documented | replies | also | free_form)


# The message content types the spec lists, and WhatsApp's other media types the app reads.
CONTENT_TYPES = frozenset(
    {"text", "button", "template", "interactive", "location", "contacts", "system"}
    | {"image", "file", "document", "video", "audio", "sticker"}
)
KNOWN_VALUES = {
    "session_end_reason": frozenset({"robot", "agent", "error", "expire", "user"}),
    "messages[].sender_type": frozenset({"system", "user", "robot", "agent", "chatbot"}),
    "messages[].status": frozenset({"sent", "delivery", "read"}),
    "messages[].content.type": CONTENT_TYPES,
    "messages[].reply.content.type": CONTENT_TYPES,
}


def _process(inbound: InboundEvent) -> None:
    chat_session_record(**inbound.arguments())


CHATBOT_SESSION_END = EventKind(
    slug="chatbot_session_end",
    url_path="chatbot-session-end",
    label="Chatbot session end",
    description="A WhatsApp conversation that a workflow started has ended: its outcome "
    "(intention, slots, event labels) and every message.",
    dedup_key=_dedup_key,
    process=_process,
    process_many=chat_sessions_record,
    signed=True,
    example=EXAMPLE,
    snapshot=chat_session_snapshot,
    known_fields=_known_fields(),
    known_values=KNOWN_VALUES,
)
