"""A customer's history across calls and chat sessions."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q

from calls_app.models import CallResult
from records.phones import phone_key, phone_match
from sessions_app.models import ChatSession

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class HistoryRow:
    """One call or chat session of a customer, in the few columns both share."""

    kind: str  # "call" or "chat session"
    pk: int
    at: datetime | None
    workflow: str
    channel: str
    phone: str
    case_id: str
    intention: str
    outcome: str


def _row(record, kind: str, **columns) -> HistoryRow:
    """The columns every record has, and those given for its kind."""
    return HistoryRow(
        kind=kind,
        pk=record.pk,
        at=record.started_at or record.ended_at,
        workflow=str(record.workflow),
        intention=record.intention,
        **columns,
    )


def _newest(queryset, limit: int):
    """The ``limit`` newest by start; records AI Rudder gave no start come last."""
    newest = queryset.select_related("workflow")
    return newest.order_by(F("started_at").desc(nulls_last=True), "-pk")[:limit]


def _call_rows(*, key: str, case_id: str, limit: int) -> list[HistoryRow]:
    match = Q()
    if key:
        match |= phone_match(key, CallResult.PHONE_KEY_FIELDS)
    if case_id:
        match |= Q(case_id=case_id)
    return [
        _row(
            call,
            "call",
            channel="Voice call",
            phone=call.callee_number or call.contact_number,
            case_id=call.case_id,
            outcome=(
                f"answered, {call.hangup_type}"
                if call.answered
                else f"not answered, {call.ring_type}"
            ).rstrip(", "),
        )
        for call in _newest(CallResult.objects.filter(match), limit)
    ]


def _chat_session_rows(*, key: str, limit: int) -> list[HistoryRow]:
    sessions = ChatSession.objects.filter(phone_match(key, ChatSession.PHONE_KEY_FIELDS))
    return [
        _row(
            session,
            "chat session",
            channel=session.channel or "Chat",
            phone=session.callee,
            case_id="",
            outcome=f"ended by {session.get_end_reason_display()}" if session.end_reason else "",
        )
        for session in _newest(sessions, limit)
    ]


def customer_history(
    *,
    phone: str = "",
    case_id: str = "",
    calls: bool = True,
    chat_sessions: bool = True,
    limit: int = HISTORY_LIMIT,
) -> list[HistoryRow]:
    """Every call and chat session of a phone number or a case id, newest first.

    Numbers match however they are written (``+62 812-3456`` is ``628123456``). Calls match on the
    number dialled, the contact's uploaded number or the case id; chat sessions, which have no case
    id, on the number chatted with. ``calls``/``chat_sessions`` leave out what a user may not see.
    At most ``limit`` rows, the newest.
    """
    key, case_id = phone_key(phone), case_id.strip()
    rows: list[HistoryRow] = []
    if calls and (key or case_id):
        rows += _call_rows(key=key, case_id=case_id, limit=limit)
    if chat_sessions and key:
        rows += _chat_session_rows(key=key, limit=limit)
    rows.sort(key=lambda row: (row.at is not None, row.at or datetime.min, row.pk), reverse=True)
    return rows[:limit]
