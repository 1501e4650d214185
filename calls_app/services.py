"""Recording API node data pushes as call results with their transcript, answers and redials."""

import decimal
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from records.payloads import Payload, PayloadError
from records.phones import phone_key
from records.workflows import workflow_read, workflow_save

from .models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn


def _object(source: Payload, key: str) -> dict:
    """An object; ``[]`` counts as an empty one, as serialisers that don't know the type send it."""
    if source.raw(key) == []:
        return {}
    return source.mapping(key)


def _amount(source: Payload, key: str) -> decimal.Decimal | None:
    amount = source.decimal(key)
    if amount is None:
        return None
    column = CallResult._meta.get_field(key)
    try:
        amount = amount.quantize(decimal.Decimal(1).scaleb(-column.decimal_places))
    except decimal.InvalidOperation:
        amount = None
    if amount is None or len(amount.as_tuple().digits) > column.max_digits:
        raise PayloadError(source.field(key), f"{source.text(key)!r} is too large an amount")
    return amount


def _talk(started_at: datetime | None, ended_at: datetime | None) -> tuple[bool, int]:
    """Whether the call was picked up, and for how many seconds the customer was on the line.

    The spec's own definition: an unanswered call's start equals its end. The difference is taken
    in UTC because Python subtracts two times of one zone by their wall clocks, which is wrong
    across a daylight-saving change.
    """
    if started_at is None or ended_at is None:
        return False, 0
    seconds = int((ended_at.astimezone(UTC) - started_at.astimezone(UTC)).total_seconds())
    return seconds > 0, max(seconds, 0)


UTC_ZONE = zoneinfo.ZoneInfo("UTC")

_OFFSET = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")


def _offset_seconds(turn: Payload) -> int | None:
    value = turn.text("time").strip()
    if not value:
        return None
    match = _OFFSET.match(value)
    if not match:
        raise PayloadError(turn.field("time"), f"{value!r} is not an offset of the form HH:MM:SS")
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _transcript(call: Payload) -> list[TranscriptTurn]:
    return [
        TranscriptTurn(
            position=position,
            offset_seconds=_offset_seconds(turn),
            offset=turn.text("time").strip(),
            robot_text=turn.text("robottext"),
            customer_text=turn.text("text"),
        )
        for position, turn in enumerate(call.objects("asr_result"))
    ]


_ANSWER_FIELDS = [
    "question_name", "question_content", "question_type", "answer", "answer_text",
    "answer_text_slot", "var", "status", "verification_results", "whether_answer",
]  # fmt: skip


def _answers(call: Payload) -> list[CallAnswer]:
    return [
        CallAnswer(
            position=position,
            **{name: row.text_for(name, CallAnswer) for name in _ANSWER_FIELDS},
        )
        for position, row in enumerate(call.objects("question_answer"))
    ]


def _columns(names: str, **renamed: str) -> dict[str, str]:
    """Column <- payload key: ``names`` are both; ``renamed`` columns read another key."""
    return {name: name for name in names.split()} | renamed


# Redial column <- key of a ``redial_call`` item.
_REDIAL_TEXT = _columns(
    "ring_type hangup_type result_label callee_number caller_number", redial_call_id="call_id"
)


def _redials(call: Payload, tz: zoneinfo.ZoneInfo) -> list[Redial]:
    return [
        Redial(
            position=position,
            started_at=row.local_datetime("call_start_time", tz),
            ring_time=row.integer_for("ring_time", Redial),
            **{column: row.text_for(key, Redial, column) for column, key in _REDIAL_TEXT.items()},
        )
        for position, row in enumerate(call.objects("redial_call"))
    ]


# CallResult column <- key of ``call`` and of ``callee``. Enum-like values (ring type, hangup
# type, intention) are kept as they came: AI Rudder adds values, and ``null`` is read as "".
_CALL_TEXT = _columns(
    "task_id robot_id callee_number caller_number ring_type hangup_type intention "
    "intention_description asr_ptp"
)
_CONTACT_TEXT = _columns(
    "case_id callee_name callee_gender platform_name extra_a extra_b extra_c comments "
    "currency_unit",
    contact_number="callee_number",
)


def _end_after_start(started_at: datetime | None, ended_at: datetime | None) -> datetime | None:
    """The end, read in the account's zone so that it does not come before the start.

    AI Rudder's naive local times are ambiguous for the hour that repeats when clocks go back: a
    wall time in it is read as its first occurrence (PEP 495's ``fold=0``), and a wall time that
    does not exist when clocks go forward as if they had not moved yet (so 02:30 on that night
    in New York is 03:30 daylight time). A call from 01:59:30 to 01:00:40 on the night the
    clocks go back ended in the second 01:00: its end is taken as the second occurrence whenever
    the first would put it before the start.
    """
    if started_at is None or ended_at is None:
        return ended_at
    if ended_at.astimezone(UTC) < started_at.astimezone(UTC):
        second = ended_at.replace(fold=1)
        if second.astimezone(UTC) >= started_at.astimezone(UTC):
            return second.astimezone(UTC)
    return ended_at


def _call_fields(
    call: Payload, callee: Payload, tz_name: str, tz: zoneinfo.ZoneInfo, phone_region: str
) -> dict:
    started_at = call.local_datetime("call_start_time", tz)
    ended_at = _end_after_start(started_at, call.local_datetime("call_end_time", tz))
    answered, talk_seconds = _talk(started_at, ended_at)
    limit = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]
    if talk_seconds > limit:
        raise PayloadError(
            call.field("call_end_time"),
            f"is {talk_seconds} seconds after call_start_time, more than {limit}",
        )
    fields = {column: call.text_for(key, CallResult, column) for column, key in _CALL_TEXT.items()}
    fields |= {
        column: callee.text_for(key, CallResult, column) for column, key in _CONTACT_TEXT.items()
    }
    return fields | {
        "callee_number_key": phone_key(fields["callee_number"], phone_region),
        "contact_number_key": phone_key(fields["contact_number"], phone_region),
        "extra": callee.array("extra"),
        "extend": _object(callee, "extend"),
        "borrowed_date": callee.date("borrowed_date"),
        "due_date": callee.date("due_date"),
        "borrowed_amount": _amount(callee, "borrowed_amount"),
        "total_owing_amount": _amount(callee, "total_owing_amount"),
        "contact": callee.kept(),
        "time_zone": tz_name,
        "started_at": started_at,
        "ended_at": ended_at,
        "answered": answered,
        "talk_seconds": talk_seconds,
        "call_times": call.integer_for("call_times", CallResult),
        "ring_time": call.integer_for("ring_time", CallResult),
        "multi_label": _object(call, "multi_label"),
        "ner_slots": _object(call, "ner_slots"),
        "talk_round": call.integer_for("talk_round", CallResult),
    }


@dataclass
class CallRead:
    """One push read whole, before anything is written (shared with ``batch``)."""

    call_id: str
    node_id: str
    node: dict
    pushed_at: datetime
    fields: dict
    related: dict
    workflow_id: str
    workflow_name: str


def call_read(
    *,
    payload: dict,
    received_at: datetime | None,
    tz: zoneinfo.ZoneInfo,
    event_id: int | None,
    phone_region: str,
    endpoint_id: int | None,
) -> CallRead:
    data = Payload(payload)
    tz_name = str(tz)
    call = data.child("call", required=True)
    callee = data.child("callee")
    call_id = call.text_for("call_id", CallResult, required=True)
    node_id = data.text_for("node_id", NodePush, required=True)
    node = {
        "node_name": data.text_for("node_name", NodePush),
        "custom_attribute": _object(data, "custom_attribute"),
    }
    pushed_at = received_at or timezone.now()
    fields = _call_fields(call, callee, tz_name, tz, phone_region)
    related = {
        TranscriptTurn: _transcript(call),
        CallAnswer: _answers(call),
        Redial: _redials(call, tz),
    }
    workflow_id, workflow_name = workflow_read(data)
    fields.update(last_pushed_at=pushed_at, event_id=event_id, endpoint_id=endpoint_id)
    return CallRead(call_id, node_id, node, pushed_at, fields, related, workflow_id, workflow_name)


@transaction.atomic
def call_result_record(
    *,
    payload: dict,
    received_at: datetime | None = None,
    tz: zoneinfo.ZoneInfo = UTC_ZONE,
    event_id: int | None = None,
    phone_region: str = "",
    endpoint_id: int | None = None,
) -> CallResult:
    """Record one node's push of a call; the latest push to arrive gives the call's fields.

    Each node's push is kept whatever its age: an older push, processed late (a replay, a slow
    worker), adds its node but does not override what a newer push said about the call. Every
    field is read before anything is written, so a push with an unreadable field fails whole and
    names that field. Naive local times are read in ``tz``, the account's time zone; pushes are
    ordered by ``received_at`` (now by default), since they carry no time of their own.
    Numbers without a country code are keyed as numbers of ``phone_region`` (the endpoint's
    country; ``AIRUDDER_DEFAULT_PHONE_REGION`` when empty).
    """
    got = call_read(**locals())  # the arguments, as given
    pushed_at = got.pushed_at
    fields = dict(got.fields)
    fields["workflow"] = workflow_save(
        workflow_id=got.workflow_id, name=got.workflow_name, seen_at=pushed_at
    )
    result, created = CallResult.objects.select_for_update().get_or_create(
        call_id=got.call_id, defaults=fields
    )
    if created or pushed_at >= result.last_pushed_at:
        if not created:
            for name, value in fields.items():
                setattr(result, name, value)
            result.save()
        for model, rows in got.related.items():
            model.objects.filter(call=result).delete()
            for row in rows:
                row.call = result
            model.objects.bulk_create(rows)
    NodePush.objects.update_or_create(
        call=result,
        node_id=got.node_id,
        defaults={**got.node, "received_at": pushed_at, "event_id": event_id},
    )
    return result
