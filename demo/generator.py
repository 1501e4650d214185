"""Large, realistic data sets for benchmarks and load tests: ``manage.py generate_demo_data``.

Unlike the demo (``demo.loader``), which goes through the webhook and the domain services, this
writes rows straight into the tables, in batches: COPY on PostgreSQL, multi-row INSERTs
elsewhere. That is what makes a million calls a matter of minutes. The values follow what the
services would store (phone keys from ``records.phones``, answered = start before end,
talk seconds, handed over, message counts, plain text of messages), and their mix is what a year
of campaigns looks like: intentions skewed towards a few, end reasons and ring types in realistic
proportions, customers who recur across calls and chats, several account time zones, transcripts,
answers, redials and messages of every content type, each customer's loan in rupiah, and what
collections would have stored for them (``demo.generator_collections``): the account's outcome
vocabulary, a contact per call and session, the promises to pay and each number's health.

Ids are taken above the tables' current maximum and the sequences reset afterwards: run it when
nothing else writes these tables.
"""

import json
import random
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from psycopg.types.json import Jsonb

from calls_app.models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn
from collections_app.models import Group, Promise
from collections_app.vocabulary import guess_group
from integrations.models import WebhookEndpoint
from records.models import Workflow
from records.phones import phone_key
from sessions_app.models import ChatMessage, ChatSession

from .account import WORKFLOWS, random_id, stable_id
from .generator_collections import CollectionsRows

BATCH = 5_000
ACCOUNT = "Generated account"  # the endpoint every generated record was delivered to
ANSWERED_SHARE = 0.62
UNREACHABLE_SHARE = 0.04  # customers whose number hardly ever answers
PROMISE_SHARE = 0.2  # answered calls that promise, where the workflow has such an intention
ZONES = ["Asia/Jakarta", "Asia/Manila", "Asia/Kuala_Lumpur", "Asia/Bangkok", "America/New_York"]
END_REASONS = (["robot"] * 55) + (["user"] * 20) + (["expire"] * 15) + (["agent"] * 8) + ["error"]
RING_TYPES = ["no_answer"] * 6 + ["busy"] * 2 + ["rejected", "power_off", "voicemail"]
HANGUP_TYPES = ["robot_hangup"] * 5 + ["user_hangup"] * 4 + ["transfer"]
CONTENT_TYPES = ["text"] * 10 + ["template", "interactive", "image", "location", "contacts"]
ROBOT_LINES = [
    "Hello, this is a reminder about your installment.",
    "May I confirm I am speaking with the account holder?",
    "When will you be able to make the payment?",
    "Thank you, we have noted your answer.",
    "Is there anything else I can help you with?",
]
CUSTOMER_LINES = [
    "yes speaking",
    "I will pay tomorrow",
    "I already paid last week",
    "can I pay in installments",
    "please call me later",
    "",
    "wrong number",
]


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str
    case_id: str
    answers: float  # how likely a call to this number is answered
    borrowed: Decimal  # rupiah
    owing: Decimal


def _rupiah(thousands: float) -> Decimal:
    return Decimal(int(thousands) * 1000)


def _customers(rng: random.Random, count: int) -> list[Customer]:
    first = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Maria", "Jose", "Ana", "Nur", "Andi"]
    last = ["Wijaya", "Santoso", "Reyes", "Cruz", "Lubis", "Tan", "Garcia", "Pratama"]
    customers = []
    for index in range(count):
        borrowed = rng.randrange(500, 30_000)  # thousands of rupiah
        customers.append(
            Customer(
                name=f"{rng.choice(first)} {rng.choice(last)}",
                phone=f"+628{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
                case_id=f"CASE-{200000 + index}",
                answers=0.02 if rng.random() < UNREACHABLE_SHARE else ANSWERED_SHARE,
                borrowed=_rupiah(borrowed),
                owing=_rupiah(borrowed * rng.uniform(0.05, 1.15)),
            )
        )
    return customers


def _skewed(rng: random.Random, values: list[str]) -> str:
    """A Zipf-like pick: the first values far more often than the last."""
    weights = [1 / (rank + 1) ** 1.2 for rank in range(len(values))]
    return rng.choices(values, weights)[0]


def _identity(value):
    return value


class _Writer:
    """Rows into a model's table, in bulk.

    Values are converted once per column rather than through each field's ``get_db_prep_value``
    (two thirds of the time): psycopg's COPY takes Python values as they are but for JSON;
    SQLite wants JSON text and its own text for dates and times.
    """

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def _converter(self, field: models.Field):
        if isinstance(field, models.JSONField):
            return Jsonb if self.postgres else json.dumps
        if self.postgres:
            return _identity
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        return _identity

    def write(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        names = list(rows[0])
        fields = [model._meta.get_field(name) for name in names]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        convert = [(n, self._converter(f)) for n, f in zip(names, fields, strict=True)]
        values = [
            tuple(None if (v := row[n]) is None else c(v) for n, c in convert) for row in rows
        ]
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def _batches(count: int) -> Iterator[range]:
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _workflows() -> list[Workflow]:
    rows = []
    for demo in WORKFLOWS:
        workflow, _ = Workflow.objects.get_or_create(
            workflow_id=demo.workflow_id, defaults={"name": demo.name}
        )
        rows.append(workflow)
    return rows


_GROUPS: dict[str, dict[str, str]] = {}


def _groups(demo) -> dict[str, str]:
    """The group each intention of the workflow will be classified in (its first wording)."""
    if demo.workflow_id not in _GROUPS:
        groups = {code: guess_group(text) for code, text in demo.intentions.items()}
        _GROUPS[demo.workflow_id] = {"": Group.NO_CONTACT, **groups}
    return _GROUPS[demo.workflow_id]


def _intention(rng: random.Random, groups: dict[str, str]) -> str:
    """A promise to pay in ``PROMISE_SHARE`` of the answers (about a fifth of right-party
    contacts, as in collections), the others skewed towards the first declared."""
    promising = [code for code, group in groups.items() if group == Group.PROMISE_TO_PAY]
    others = [code for code in groups if code and code not in promising]
    if promising and (not others or rng.random() < PROMISE_SHARE):
        return rng.choice(promising)
    return _skewed(rng, others)


def _promise_terms(rng, demo, group: str, customer: Customer, started: datetime) -> tuple:
    """(ner_slots, asr_ptp) of an answered call: a promise to pay names its date (0-14 days
    after the call, so that promises are open, due and lapsed) and often its amount; a
    collections call that is neither may still carry a date the robot heard."""
    promised = (started + timedelta(days=rng.randint(0, 14))).date().isoformat()
    if group == Group.PROMISE_TO_PAY:
        draw = rng.random()
        if draw < 0.65:
            amount = int(customer.owing * Decimal(rng.choice(["0.25", "0.5", "1"]))) // 1000
            return {"PTP_Date": promised, "PTP_Amount": f"{amount:,}.000".replace(",", ".")}, ""
        return {}, promised if draw < 0.9 else ""
    if getattr(demo, "debt_collection", False) and group == Group.OTHER and rng.random() < 0.15:
        return {}, promised
    return {}, ""


def _record_ids(pk, call_id, workflow, endpoint_id) -> dict:
    """The columns every generated call and session starts with."""
    return {"id": pk, "call_id": call_id, "workflow_id": workflow.pk, "endpoint_id": endpoint_id}


def _call_rows(rng, index, call_id, pk, workflow, demo, customer, started, now, endpoint_id):
    zone = zoneinfo.ZoneInfo(rng.choice(ZONES))
    answered = rng.random() < customer.answers
    talk = rng.randint(8, 240) if answered else 0
    groups = _groups(demo)
    intention = _intention(rng, groups) if answered else ""
    slots, asr_ptp = {}, ""
    if answered:
        slots, asr_ptp = _promise_terms(rng, demo, groups[intention], customer, started)
    number = customer.phone
    call = {
        **_record_ids(pk, call_id, workflow, endpoint_id),
        "task_id": stable_id(demo.workflow_id, "task", str(index // 5000)),
        "robot_id": demo.robot_id,
        "callee_number": number,
        "callee_number_key": phone_key(number),
        "caller_number": "+622150000001",
        "case_id": customer.case_id,
        "callee_name": customer.name,
        "callee_gender": rng.choice(["MALE", "FEMALE"]),
        "contact_number": number,
        "contact_number_key": phone_key(number),
        "platform_name": "demo",
        "extra_a": "",
        "extra_b": "",
        "extra_c": "",
        "extra": [],
        "extend": {"segment": rng.choice(["A", "B", "C"])},
        "comments": "",
        "borrowed_date": None,
        "due_date": (started + timedelta(days=rng.randint(-7, 7))).date(),
        "borrowed_amount": customer.borrowed,
        "total_owing_amount": customer.owing,
        "currency_unit": "IDR",
        "contact": {"callee_name": customer.name, "callee_number": number},
        "time_zone": str(zone),
        "started_at": started,
        "ended_at": started + timedelta(seconds=talk),
        "answered": answered,
        "talk_seconds": talk,
        "call_times": rng.randint(1, 3),
        "ring_time": rng.randint(3, 30),
        "ring_type": "" if answered else rng.choice(RING_TYPES),
        "hangup_type": rng.choice(HANGUP_TYPES) if answered else "",
        "intention": intention,
        "intention_description": demo.intentions.get(intention, ""),
        "multi_label": {"PTP": "1"} if groups.get(intention) == Group.PROMISE_TO_PAY else {},
        "ner_slots": slots,
        "talk_round": rng.randint(1, 8) if answered else 0,
        "asr_ptp": asr_ptp,
        "last_pushed_at": started + timedelta(seconds=talk + 5),
        "event_id": None,
        "updated_at": now,
    }
    turns = [
        {
            "call_id": pk,
            "position": position,
            "offset_seconds": position * 6,
            "offset": f"00:00:{position * 6:02d}" if position * 6 < 60 else "00:01:00",
            "robot_text": ROBOT_LINES[position % len(ROBOT_LINES)],
            "customer_text": rng.choice(CUSTOMER_LINES),
        }
        for position in range(rng.randint(5, 11) if answered else 0)
    ]
    answers = [
        {
            "call_id": pk,
            "position": position,
            "question_name": f"Q{position + 1}",
            "question_content": ROBOT_LINES[2],
            "question_type": "choice",
            "answer": rng.choice(["Today", "Tomorrow", "This week"]),
            "answer_text": "",
            "answer_text_slot": "",
            "var": "",
            "status": "answered",
            "verification_results": "",
            "whether_answer": "yes",
        }
        for position in range(rng.randint(0, 2) if answered else 0)
    ]
    redials = [
        {
            "call_id": pk,
            "position": position,
            "redial_call_id": random_id(rng),
            "started_at": started - timedelta(minutes=10 * (position + 1)),
            "ring_type": rng.choice(RING_TYPES),
            "ring_time": rng.randint(5, 30),
            "hangup_type": "",
            "result_label": "",
            "callee_number": number,
            "caller_number": "+622150000001",
        }
        for position in range(rng.choice([0, 0, 0, 1, 2]))
    ]
    push = {
        "call_id": pk,
        "node_id": stable_id(demo.workflow_id, "API1"),
        "node_name": "API1",
        "custom_attribute": {},
        "received_at": started + timedelta(seconds=talk + 5),
        "event_id": None,
    }
    return call, turns, answers, redials, push


def _content(rng: random.Random, kind: str, customer: Customer) -> tuple[dict, str]:
    if kind == "text":
        text = rng.choice(CUSTOMER_LINES) or "ok"
        return {"type": "text", "text": text}, text
    if kind == "template":
        body = f"Hi {customer.name.split()[0]}, your installment is due soon."
        return {"type": "template", "template": {"content": {"body": body}}}, body
    if kind == "interactive":
        return {"type": "interactive", "interactive": {"body": {"text": "Pay now?"}}}, "Pay now?"
    if kind == "image":
        media = {"origin_url": "https://example.com/receipt.jpg", "caption": "receipt"}
        return {"type": "image", "image": media}, "receipt"
    if kind == "location":
        place = {"latitude": -6.2, "longitude": 106.8, "name": "Jakarta"}
        return {"type": "location", "location": place}, "Jakarta"
    contact = {"name": {"formatted_name": customer.name}, "phones": [{"phone": customer.phone}]}
    return {"type": "contacts", "contacts": [contact]}, customer.name


def _session_rows(rng, call_id, pk, message_pk, workflow, demo, customer, ended, now, endpoint_id):
    count = rng.randint(6, 19)
    started = ended - timedelta(seconds=rng.randint(30, 1800))
    end_reason = rng.choice(END_REASONS)
    messages = []
    for position in range(count):
        sender = "user" if position % 2 else "chatbot"
        kind = "text" if sender == "chatbot" and position else rng.choice(CONTENT_TYPES)
        if position == 0:
            kind = "template"
        content, text = _content(rng, kind, customer)
        messages.append(
            {
                "id": message_pk + position,
                "session_id": pk,
                "position": position,
                "msg_id": random_id(rng, 24),
                "sender_type": "agent"
                if end_reason == "agent" and position == count - 1
                else sender,
                "sent_at": started + timedelta(seconds=position * 20),
                "status": "read",
                "content_type": kind,
                "content": content,
                "text": text,
                "reply": None,
                "reply_to_id": None,
            }
        )
    number = customer.phone
    session = {
        **_record_ids(pk, call_id, workflow, endpoint_id),
        "nodetask_id": stable_id(demo.workflow_id, "node"),
        "nodetask_name": "WABA Template",
        "waba_task_id": stable_id(demo.workflow_id, "waba"),
        "wfdetail_uuid": random_id(rng),
        "channel": "WhatsApp",
        "channel_id": "6281100009070",
        "callee": number,
        "callee_key": phone_key(number),
        "robot_id": demo.chatbot_id,
        "status": "closed",
        "started_at": started,
        "ended_at": ended,
        "end_reason": end_reason,
        "intention": _skewed(rng, list(demo.intentions)),
        "talk_round": count // 2,
        "ner_slots": {},
        "event_label": {},
        "variables": {"name": customer.name.split()[0]},
        "notified_at": ended + timedelta(seconds=3),
        "duration_seconds": int((ended - started).total_seconds()),
        "message_count": count,
        "handed_over": end_reason == "agent",
        "event_id": None,
        "updated_at": now,
    }
    return session, messages


@dataclass
class Generated:
    calls: int = 0
    transcript_turns: int = 0
    answers: int = 0
    redials: int = 0
    sessions: int = 0
    messages: int = 0
    contacts: int = 0
    promises: int = 0
    numbers: int = 0


def generate(
    *, calls: int, sessions: int, seed: int = 1, months: int = 12, now: datetime | None = None
) -> Generated:
    """``calls`` call results and ``sessions`` chat sessions over the last ``months`` months."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    span = int(timedelta(days=30 * months).total_seconds())
    workflows = list(zip(_workflows(), WORKFLOWS, strict=True))
    customers = _customers(rng, max(100, (calls + sessions) // 6))
    writer = _Writer()
    report = Generated()
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        name=ACCOUNT, defaults={"timezone": ZONES[0], "default_country": "ID"}
    )
    collections = CollectionsRows(endpoint, writer, _next_id(Promise))
    tag = f"{seed:x}{now:%y%m%d%H%M%S}"

    call_pk = _next_id(CallResult)
    for batch in _batches(calls):
        rows: dict[type[models.Model], list[dict]] = {
            CallResult: [],
            TranscriptTurn: [],
            CallAnswer: [],
            Redial: [],
            NodePush: [],
        }
        contacts = []
        for index in batch:
            workflow, demo = rng.choice(workflows)
            started = now - timedelta(seconds=rng.randrange(60, span))
            call, turns, answers, redials, push = _call_rows(
                rng, index, f"gen-{tag}-c{index}", call_pk + index, workflow, demo,
                rng.choice(customers), started, now, endpoint.pk,
            )  # fmt: skip
            rows[CallResult].append(call)
            contacts.append(collections.call(call))
            rows[TranscriptTurn] += turns
            rows[CallAnswer] += answers
            rows[Redial] += redials
            rows[NodePush].append(push)
        with transaction.atomic():
            for model, model_rows in rows.items():
                writer.write(model, model_rows)
            collections.write_contacts(contacts)
        report.calls += len(rows[CallResult])
        report.transcript_turns += len(rows[TranscriptTurn])
        report.answers += len(rows[CallAnswer])
        report.redials += len(rows[Redial])

    session_pk, message_pk = _next_id(ChatSession), _next_id(ChatMessage)
    for batch in _batches(sessions):
        session_rows, message_rows, contacts = [], [], []
        for index in batch:
            workflow, demo = rng.choice(workflows)
            ended = now - timedelta(seconds=rng.randrange(60, span))
            session, messages = _session_rows(
                rng, f"gen-{tag}-s{index}", session_pk + index, message_pk, workflow, demo,
                rng.choice(customers), ended, now, endpoint.pk,
            )  # fmt: skip
            contacts.append(collections.session(session))
            message_pk += len(messages)
            session_rows.append(session)
            message_rows += messages
        with transaction.atomic():
            writer.write(ChatSession, session_rows)
            writer.write(ChatMessage, message_rows)
            collections.write_contacts(contacts)
        report.sessions += len(session_rows)
        report.messages += len(message_rows)

    with transaction.atomic():
        report.promises, report.numbers = collections.finish()
    report.contacts = collections.contacts
    _reset_sequences(
        [CallResult, TranscriptTurn, CallAnswer, Redial, NodePush, ChatSession, ChatMessage,
         Promise]
    )  # fmt: skip
    return report


def _reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
