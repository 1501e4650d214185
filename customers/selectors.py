"""A customer's history across calls and chat sessions."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from calls_app.models import CallResult
from records.phones import phone_key, phone_match
from records.scope import visible
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


def _scoped(queryset, user):
    """The accounts ``user`` may see (``records.scope``); every one when no user is given."""
    return queryset if user is None else visible(queryset, user)


def _newest(queryset, limit: int):
    """The ``limit`` newest by start; records AI Rudder gave no start come last."""
    newest = queryset.select_related("workflow")
    return newest.order_by(F("started_at").desc(nulls_last=True), "-pk")[:limit]


def _call_rows(*, key: str, case_id: str, limit: int, user=None) -> list[HistoryRow]:
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
        for call in _newest(_scoped(CallResult.objects.filter(match), user), limit)
    ]


def _chat_session_rows(*, key: str, limit: int, user=None) -> list[HistoryRow]:
    sessions = _scoped(
        ChatSession.objects.filter(phone_match(key, ChatSession.PHONE_KEY_FIELDS)), user
    )
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
    user=None,
) -> list[HistoryRow]:
    """Every call and chat session of a phone number or a case id, newest first.

    Numbers match however they are written (``+62 812-3456`` is ``628123456``). Calls match on the
    number dialled, the contact's uploaded number or the case id; chat sessions, which have no case
    id, on the number chatted with. ``calls``/``chat_sessions`` leave out what a user may not see.
    At most ``limit`` rows, the newest; with ``user``, of the accounts that user may see.
    """
    key, case_id = phone_key(phone), case_id.strip()
    rows: list[HistoryRow] = []
    if calls and (key or case_id):
        rows += _call_rows(key=key, case_id=case_id, limit=limit, user=user)
    if chat_sessions and key:
        rows += _chat_session_rows(key=key, limit=limit, user=user)
    rows.sort(key=lambda row: (row.at is not None, row.at or datetime.min, row.pk), reverse=True)
    return rows[:limit]


@dataclass(frozen=True)
class Subject:
    """Whose history a request asks for: a number or case id, read from a record when given."""

    phone: str = ""
    case_id: str = ""
    record: object = None  # the call or chat session it was opened from
    label: str = ""  # "call <id>": the audit log's label, never the number


def history_subject(params, *, may_calls: bool, may_sessions: bool) -> Subject:
    """The customer of ``?call=``/``?chat_session=`` (their record's number and case id), else
    of a typed number or case id. ``PermissionDenied`` for a record the user may not see."""
    if "call" in params:
        if not may_calls:
            raise PermissionDenied
        call = get_object_or_404(CallResult, pk=record_id(params["call"]))
        phone = call.callee_number or call.contact_number
        return Subject(phone, call.case_id, call, f"call {call.call_id}")
    if "chat_session" in params:
        if not may_sessions:
            raise PermissionDenied
        session = get_object_or_404(ChatSession, pk=record_id(params["chat_session"]))
        return Subject(session.callee, "", session, f"chat session {session.call_id}")
    return Subject(params.get("phone", "").strip(), params.get("case_id", "").strip())


def record_id(value: str) -> int:
    """A record's id from the query string; anything else is no record (404), not an error."""
    if not value.isdigit():
        raise Http404("no such record")
    return int(value)


@dataclass(frozen=True)
class Summary:
    """The page's header, from the customer's latest call (what AI Rudder last uploaded) and
    the latest that names an amount owing."""

    name: str
    numbers: list[str]
    owing: Decimal | None
    currency: str
    due_date: date | None


def customer_summary(rows: list[HistoryRow]) -> Summary | None:
    """Name, numbers, amount owing and due date of the customer of ``rows`` (newest first)."""
    calls = [row.pk for row in rows if row.kind == "call"]
    latest = CallResult.objects.filter(pk__in=calls[:1]).first()
    numbers = dict.fromkeys(row.phone for row in rows if row.phone)
    if latest is not None:
        numbers = dict.fromkeys(
            [n for n in (latest.callee_number, latest.contact_number) if n] + list(numbers)
        )
    if latest is None and not numbers:
        return None
    # The latest call that says what is owed (a survey's call says nothing about a debt).
    debt = CallResult.objects.filter(pk__in=calls, total_owing_amount__isnull=False).first()
    return Summary(
        name=latest.callee_name if latest else "",
        numbers=list(numbers)[:4],
        owing=debt.total_owing_amount if debt else None,
        currency=debt.currency_unit if debt else "",
        due_date=debt.due_date if debt else None,
    )
