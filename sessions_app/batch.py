"""Recording many chatbot session-end notifications at once: one statement per table.

The batch twin of ``services.chat_session_record``: the same reading, the same result, with
the rows written by multi-row statements instead of one event's statements at a time.
"""

from integrations.kinds import InboundEvent, read_each
from records.bulk import bulk_saving
from records.payloads import PayloadError
from records.workflows import workflows_save_many

from .models import ChatMessage, ChatSession
from .services import SessionRead, replies_link, session_read


def chat_sessions_record(inbounds: list[InboundEvent]) -> dict[int, PayloadError]:
    """Record ``inbounds`` in their order; returns the events whose payload could not be read.

    Notifications of one conversation are applied in order in memory (the newest wins, as one
    by one), then written once. Model signals are sent by hand: bulk writes skip them, and the
    dashboard's rollups listen to them.
    """
    reads, errors = read_each(inbounds, lambda inbound: session_read(**inbound.arguments()))
    if reads:
        _write(reads)
    return errors


def _write(reads: list[SessionRead]) -> None:
    seen = [(r.workflow_id, r.workflow_name, r.notified_at) for r in reads]
    workflows = workflows_save_many(seen)
    locked = ChatSession.objects.select_for_update().filter(call_id__in={r.call_id for r in reads})
    sessions = {s.call_id: s for s in locked.order_by("call_id")}
    new: dict[str, ChatSession] = {}
    winners: dict[str, SessionRead] = {}
    for got in reads:
        fields = got.fields | {"workflow": workflows[got.workflow_id]}
        session = sessions.get(got.call_id)
        if session is None:
            sessions[got.call_id] = new[got.call_id] = ChatSession(call_id=got.call_id, **fields)
        elif session.notified_at >= got.notified_at:
            continue
        else:
            for name, value in fields.items():
                setattr(session, name, value)
        winners[got.call_id] = got
    if not winners:
        return
    replaced = [sessions[key] for key in sorted(winners) if key not in new]
    created = [new[key] for key in sorted(new)]
    with bulk_saving(ChatSession, created, replaced, [*reads[0].fields, "workflow"]):
        _write_messages(sessions, winners, replaced)


def _write_messages(
    sessions: dict[str, ChatSession], winners: dict[str, SessionRead], replaced: list[ChatSession]
) -> None:
    if replaced:
        ChatMessage.objects.filter(session__in=replaced).delete()
    messages, quoting = [], []
    for key in sorted(winners):
        for message, _ in winners[key].read:
            message.session = sessions[key]
            messages.append(message)
    ChatMessage.objects.bulk_create(messages)
    for key in sorted(winners):
        quoting += replies_link(winners[key].read)
    if quoting:
        ChatMessage.objects.bulk_update(quoting, ["reply_to"])
