"""What the admin shows of a call: its dialogue and its tables, ready to lay out.

The templates only place what these functions return: plain text, escaped by the templates.
Customer details (numbers, the name) are masked here for staff who may not see them
(``privacy.masking``); everything else is shown as AI Rudder sent it.
"""

import copy
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from privacy.masking import customer_names, mask_free_text, mask_phone
from records.display import time_text

from .models import CallResult, NodePush, Redial

BOT = "Bot"  # the bot's name in a call's dialogue, as in a chat's (``sessions_app.rendering``)

# Labels of the contact fields AI Rudder documents, in its order; other fields keep their key.
CONTACT_LABELS = {
    "case_id": "Case id",
    "callee_name": "Name",
    "callee_gender": "Gender",
    "callee_number": "Number",
    "platform_name": "Platform",
    "extra_a": "Extra A",
    "extra_b": "Extra B",
    "extra_c": "Extra C",
    "extra": "Extra",
    "extend": "Extend",
    "comments": "Comments",
    "borrowed_date": "Borrowed on",
    "due_date": "Due on",
    "borrowed_amount": "Borrowed amount",
    "total_owing_amount": "Total owing",
    "currency_unit": "Currency",
}


def text(value: Any) -> str:
    """A JSON value as one line of text: strings as they are, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def key_values(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Rows of a key/value table; nested objects become dotted keys (``variables.extra_d``).

    Sorted by key: PostgreSQL's JSON columns do not keep the payload's order anyway.
    """
    if not isinstance(value, dict):
        return [] if value in (None, "", []) else [(prefix, text(value))]
    rows = []
    for key, item in sorted(value.items(), key=lambda pair: str(pair[0])):
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, dict) and item:
            rows.extend(key_values(item, name))
        else:
            rows.append((name, text(item)))
    return rows


@dataclass(frozen=True)
class Table:
    """A list of objects (``extra``'s Question/Content rows): one column per key seen."""

    columns: list[str]
    rows: list[list[str]]


def _table(items: list) -> Table | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    columns = list(dict.fromkeys(key for item in items for key in item))
    # Question before Content reads better than the payload's alphabetical order.
    columns.sort(key=lambda column: {"Question": 0, "Content": 1}.get(column, 2))
    return Table(columns, [[text(item.get(column)) for column in columns] for item in items])


@dataclass(frozen=True)
class ContactField:
    key: str
    label: str
    value: str = ""
    pairs: list[tuple[str, str]] | None = None
    table: Table | None = None


def _contact_order(key: str) -> tuple[int, str]:
    order = list(CONTACT_LABELS)
    return (order.index(key), "") if key in order else (len(order), key)


def call_names(call: CallResult) -> tuple[str, ...]:
    """The words of the customer's name, as the call and its uploaded contact give it."""
    return customer_names(call.callee_name, call.contact or {})


def contact_fields(call: CallResult, *, reveal: bool) -> list[ContactField]:
    """Every field of the contact as uploaded, undocumented ones included.

    AI Rudder's fields come in its documented order, then the others by name (the JSON column does
    not keep the upload's order on PostgreSQL). Unless ``reveal``, customer details are masked
    in every field (``privacy.masking.mask_free_text``).
    """
    contact = call.contact or {}
    if not reveal:
        contact = mask_free_text(contact, call_names(call))
    fields = []
    for key, value in sorted(contact.items(), key=lambda p: _contact_order(p[0])):
        label = CONTACT_LABELS.get(key, key)
        if isinstance(value, dict):
            fields.append(ContactField(key, label, pairs=key_values(value)))
        elif isinstance(value, list) and (table := _table(value)):
            fields.append(ContactField(key, label, table=table))
        else:
            fields.append(ContactField(key, label, value=text(value)))
    return fields


@dataclass(frozen=True)
class RedialRow:
    redial: Redial
    started_local: str  # text: a template would show a datetime in the admin's zone instead
    callee_number: str


def redial_rows(call: CallResult, *, reveal: bool) -> list[RedialRow]:
    return [
        RedialRow(
            redial=redial,
            started_local=_local_text(call, redial.started_at),
            callee_number=redial.callee_number if reveal else mask_phone(redial.callee_number),
        )
        for redial in call.redials.all()
    ]


@dataclass(frozen=True)
class NodePushRow:
    push: NodePush
    custom_attribute: list[tuple[str, str]]


def node_push_rows(call: CallResult, *, reveal: bool = False) -> list[NodePushRow]:
    shown = _shown(call, reveal)
    return [
        NodePushRow(push=push, custom_attribute=key_values(shown(push.custom_attribute)))
        for push in call.node_pushes.all()
    ]


def _shown(call: CallResult, reveal: bool):
    """What a value is shown as: itself, or with the customer's details masked."""
    if reveal:
        return lambda value: value
    names = call_names(call)
    return lambda value: mask_free_text(value, names)


# The texts of a turn and of an answer: what was said, or answered, in the customer's words.
TURN_TEXTS = ("robot_text", "customer_text")
ANSWER_TEXTS = (
    "question_content", "answer", "answer_text", "answer_text_slot", "var",
    "verification_results",
)  # fmt: skip


def _masked_rows(rows, names: tuple[str, ...], shown) -> list:
    """Copies of ``rows`` (never saved) with their ``names`` texts as ``shown``."""
    masked = []
    for row in rows:
        row = copy.copy(row)
        for name in names:
            setattr(row, name, shown(getattr(row, name)))
        masked.append(row)
    return masked


def _local_text(call: CallResult, value: datetime | None) -> str:
    local = call.local_time(value)
    return "" if local is None else time_text(local, local.tzinfo)


def local_time_text(call: CallResult, value: datetime | None) -> str:
    """``2024-03-11 15:58:26 WIB``: the time in the account's zone, as AI Rudder's screens show
    it, with the zone's name (``records.display.time_text``)."""
    return _local_text(call, value)


def call_page(call: CallResult, *, reveal: bool) -> dict:
    """The sections of a call's page, below its summary, in the order support staff read them;
    unless ``reveal``, numbers and the customer's name masked in every text."""
    shown = _shown(call, reveal)
    turns, answers = list(call.transcript.all()), list(call.answers.all())
    if not reveal:
        turns = _masked_rows(turns, TURN_TEXTS, shown)
        answers = _masked_rows(answers, ANSWER_TEXTS, shown)
    return {
        "bot_name": BOT,
        "turns": turns,
        "answers": answers,
        "redial_rows": redial_rows(call, reveal=reveal),
        "data_tables": [
            {"title": "Event labels", "rows": key_values(shown(call.multi_label))},
            {"title": "Slots", "rows": key_values(shown(call.ner_slots))},
        ],
        "contact_fields": contact_fields(call, reveal=reveal),
        "node_push_rows": node_push_rows(call, reveal=reveal),
    }
