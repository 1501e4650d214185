"""Recording chatbot session-end notifications as chat sessions and their messages."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from records.payloads import Payload, PayloadError
from records.phones import phone_key
from records.workflows import workflow_read, workflow_save

from .content import content_plain_text
from .models import ChatMessage, ChatSession

TAKE_OVER = "conversation.take_over"


def _message(item: Payload, position: int) -> tuple[ChatMessage, str]:
    """The message, and the ``msg_id`` of the message it replies to (``""`` if none)."""
    content = item.child("content")
    content_type = content.text_for("type", ChatMessage, "content_type")
    if content_type == "system":
        content.child("system")  # read by _handed_over: an object (or absent)
    reply = item.mapping("reply") or None
    message = ChatMessage(
        position=position,
        msg_id=item.text_for("msg_id", ChatMessage),
        sender_type=item.text_for("sender_type", ChatMessage),
        sent_at=item.unix_time("timestamp"),
        status=item.text_for("status", ChatMessage),
        content_type=content_type,
        content=content.kept(),
        text=content_plain_text(content.data),
        reply=reply,
    )
    return message, item.child("reply").text("msg_id")


def _duration(data: Payload, started_at, ended_at) -> int | None:
    """Seconds from start to end (0 if the end comes first), if the column can hold them."""
    if not (started_at and ended_at):
        return None
    seconds = max(int((ended_at - started_at).total_seconds()), 0)
    limit = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]
    if seconds > limit:
        raise PayloadError(
            data.field("session_end_time"),
            f"is {seconds} seconds after session_start_time, more than {limit}",
        )
    return seconds


def _handed_over(end_reason: str, messages: list[ChatMessage]) -> bool:
    return end_reason == ChatSession.EndReason.AGENT or any(
        m.sender_type == ChatMessage.SenderType.AGENT
        or (m.content_type == "system" and (m.content.get("system") or {}).get("type") == TAKE_OVER)
        for m in messages
    )


@dataclass
class SessionRead:
    """One notification read whole, before anything is written (shared with ``batch``)."""

    call_id: str
    notified_at: datetime
    fields: dict
    read: list[tuple[ChatMessage, str]]
    workflow_id: str
    workflow_name: str


def session_read(
    *, payload: dict, event_id: int | None, phone_region: str, endpoint_id: int | None
) -> SessionRead:
    data = Payload(payload)
    call_id = data.text_for("call_id", ChatSession, required=True)
    notified_at = data.unix_time("timestamp", required=True)
    read = [_message(item, position) for position, item in enumerate(data.objects("messages"))]
    messages = [message for message, _ in read]
    callee = data.text_for("callee", ChatSession)
    started_at = data.iso_datetime("session_start_time")
    ended_at = data.iso_datetime("session_end_time")
    end_reason = data.text_for("session_end_reason", ChatSession, "end_reason")
    fields = {
        "nodetask_id": data.text_for("nodetask_id", ChatSession),
        "nodetask_name": data.text_for("nodetask_name", ChatSession),
        "waba_task_id": data.text_for("waba_task_id", ChatSession),
        "wfdetail_uuid": data.text_for("wfdetail_uuid", ChatSession),
        "channel": data.text_for("channel", ChatSession),
        "channel_id": data.text_for("channel_id", ChatSession),
        "callee": callee,
        "callee_key": phone_key(callee, phone_region),
        "robot_id": data.text_for("robot_id", ChatSession),
        "status": data.text_for("status", ChatSession),
        "started_at": started_at,
        "ended_at": ended_at,
        "end_reason": end_reason,
        "intention": data.text_for("intention", ChatSession),
        "talk_round": data.integer_for("talk_round", ChatSession),
        "ner_slots": data.mapping("ner_slots"),
        "event_label": data.mapping("event_label"),
        "variables": data.mapping("variables"),
        "notified_at": notified_at,
        "duration_seconds": _duration(data, started_at, ended_at),
        "message_count": len(messages),
        "handed_over": _handed_over(end_reason, messages),
        "event_id": event_id,
        "endpoint_id": endpoint_id,
    }
    workflow_id, workflow_name = workflow_read(data)
    return SessionRead(call_id, notified_at, fields, read, workflow_id, workflow_name)


@transaction.atomic
def chat_session_record(
    *,
    payload: dict,
    event_id: int | None = None,
    phone_region: str = "",
    endpoint_id: int | None = None,
) -> ChatSession:
    """Record one notification; a newer one for the same ``call_id`` replaces the session.

    ``event_id`` is the stored delivery it came from, if any. Notifications are ordered by their
    own ``timestamp`` and carry aware times, so neither the arrival time nor the account's zone
    is needed.

    An older or equally old notification changes nothing: notifications can arrive out of order,
    and the latest word on a conversation wins. Everything is read before anything is written, so
    a malformed payload fails whole, naming its field.
    """
    got = session_read(
        payload=payload, event_id=event_id, phone_region=phone_region, endpoint_id=endpoint_id
    )
    fields = dict(got.fields)
    fields["workflow"] = workflow_save(
        workflow_id=got.workflow_id, name=got.workflow_name, seen_at=got.notified_at
    )
    session, created = ChatSession.objects.select_for_update().get_or_create(
        call_id=got.call_id, defaults=fields
    )
    if not created:
        if session.notified_at >= got.notified_at:
            return session
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
        session.messages.all().delete()
    _messages_save(session, got.read)
    return session


def _messages_save(session: ChatSession, read: list[tuple[ChatMessage, str]]) -> None:
    """Save the messages, then link each reply to the message it quotes, if it is among them."""
    messages = [message for message, _ in read]
    for message in messages:
        message.session = session
    ChatMessage.objects.bulk_create(messages)
    quoting = replies_link(read)
    if quoting:
        ChatMessage.objects.bulk_update(quoting, ["reply_to"])


def replies_link(read: list[tuple[ChatMessage, str]]) -> list[ChatMessage]:
    """Link each saved reply of one session to the message it quotes; returns those linked."""
    by_msg_id = {m.msg_id: m for m, _ in read if m.msg_id and m.pk}
    quoting = []
    for message, reply_msg_id in read:
        target = by_msg_id.get(reply_msg_id) if reply_msg_id else None
        if target is not None and target is not message:
            message.reply_to = target
            quoting.append(message)
    return quoting
