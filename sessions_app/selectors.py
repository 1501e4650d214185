"""Reads of chat sessions that other layers ask for by payload."""

from records.display import duration_text

from .models import ChatSession

_FIELDS = [
    "intention",
    "end_reason",
    "status",
    "started_at",
    "ended_at",
    "talk_round",
    "handed_over",
    "message_count",
    "ner_slots",
    "event_label",
    "variables",
]


def chat_session_snapshot(payload: dict) -> dict[str, str]:
    """The session a notification is about, as labelled text (no customer number or name).

    Messages are listed by position, sender and type, not by their text.
    """
    session = (
        ChatSession.objects.select_related("workflow")
        .filter(call_id=str(payload.get("call_id") or ""))
        .first()
    )
    if session is None:
        return {}
    snapshot = {f"session {session.call_id}": "recorded", "workflow": str(session.workflow)}
    snapshot |= {name: str(getattr(session, name)) for name in _FIELDS}
    snapshot["duration"] = duration_text(session.duration_seconds)
    for message in session.messages.order_by("position"):
        snapshot[f"message {message.position + 1}"] = (
            f"{message.sender_type} {message.content_type} {message.sent_at or ''}".strip()
        )
    return snapshot
