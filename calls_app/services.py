"""Recording API node data pushes as call results with their transcript, answers and redials."""

import re
import zoneinfo

from django.db import transaction
from django.utils import timezone

from integrations.models import WebhookEvent
from integrations.payloads import Payload, PayloadError
from integrations.services import workflow_record

from .models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn

_OFFSET = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")


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
            offset=turn.text("time"),
            offset_seconds=_offset_seconds(turn),
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
        CallAnswer(position=position, **{name: row.text(name) for name in _ANSWER_FIELDS})
        for position, row in enumerate(call.objects("question_answer"))
    ]


def _redials(call: Payload, tz) -> list[Redial]:
    return [
        Redial(
            position=position,
            redial_call_id=row.text("call_id"),
            started_at=row.local_datetime("call_start_time", tz),
            ring_type=row.text("ring_type"),
            ring_time=row.integer("ring_time"),
            hangup_type=row.text("hangup_type"),
            result_label=row.text("result_label"),
            callee_number=row.text("callee_number"),
            caller_number=row.text("caller_number"),
        )
        for position, row in enumerate(call.objects("redial_call"))
    ]


def _call_fields(data: Payload, tz_name: str, tz) -> dict:
    callee = data.child("callee")
    call = data.child("call", required=True)
    started_at = call.local_datetime("call_start_time", tz)
    ended_at = call.local_datetime("call_end_time", tz)
    # The spec's own definition: an unanswered call's start equals its end.
    answered = bool(started_at and ended_at and ended_at > started_at)
    return {
        "task_id": call.text("task_id"),
        "robot_id": call.text("robot_id"),
        "callee_number": call.text("callee_number"),
        "caller_number": call.text("caller_number"),
        "case_id": callee.text("case_id"),
        "callee_name": callee.text("callee_name"),
        "callee_gender": callee.text("callee_gender"),
        "contact_number": callee.text("callee_number"),
        "platform_name": callee.text("platform_name"),
        "extra_a": callee.text("extra_a"),
        "extra_b": callee.text("extra_b"),
        "extra_c": callee.text("extra_c"),
        "extra": callee.array("extra"),
        "extend": callee.mapping("extend"),
        "comments": callee.text("comments"),
        "borrowed_date": callee.date("borrowed_date"),
        "due_date": callee.date("due_date"),
        "borrowed_amount": callee.decimal("borrowed_amount"),
        "total_owing_amount": callee.decimal("total_owing_amount"),
        "currency_unit": callee.text("currency_unit"),
        "time_zone": tz_name,
        "started_at": started_at,
        "ended_at": ended_at,
        "answered": answered,
        "talk_seconds": int((ended_at - started_at).total_seconds()) if answered else 0,
        "call_times": call.integer("call_times"),
        "ring_time": call.integer("ring_time"),
        "ring_type": call.text("ring_type"),
        "hangup_type": call.text("hangup_type"),
        "intention": call.text("intention"),
        "intention_description": call.text("intention_description"),
        "multi_label": call.mapping("multi_label"),
        "ner_slots": call.mapping("ner_slots"),
        "talk_round": call.integer("talk_round"),
        "asr_ptp": call.text("asr_ptp"),
    }


@transaction.atomic
def call_result_record(*, payload: dict, event: WebhookEvent | None = None) -> CallResult:
    """Record one node's push of a call; the latest push to arrive gives the call's fields.

    Naive local times are read in the endpoint's time zone. Every field is read before anything is
    written, so a push with an unreadable field fails whole and names that field.
    """
    data = Payload(payload)
    tz_name = event.endpoint.timezone if event else "UTC"
    tz = zoneinfo.ZoneInfo(tz_name)
    call = data.child("call", required=True)
    call_id = call.text("call_id", required=True)
    node_id = data.text("node_id", required=True)
    pushed_at = event.received_at if event else timezone.now()
    fields = _call_fields(data, tz_name, tz)
    related = {
        TranscriptTurn: _transcript(call),
        CallAnswer: _answers(call),
        Redial: _redials(call, tz),
    }

    fields.update(
        workflow=workflow_record(payload=data, seen_at=pushed_at),
        last_pushed_at=pushed_at,
        event=event,
    )
    result, created = CallResult.objects.select_for_update().get_or_create(
        call_id=call_id, defaults=fields
    )
    if created or pushed_at >= result.last_pushed_at:
        if not created:
            for name, value in fields.items():
                setattr(result, name, value)
            result.save()
        for model, rows in related.items():
            model.objects.filter(call=result).delete()
            for row in rows:
                row.call = result
            model.objects.bulk_create(rows)
    NodePush.objects.update_or_create(
        call=result,
        node_id=node_id,
        defaults={
            "node_name": data.text("node_name"),
            "custom_attribute": data.mapping("custom_attribute"),
            "received_at": pushed_at,
            "event": event,
        },
    )
    return result
