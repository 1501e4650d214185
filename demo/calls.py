"""Demo call results: AI Rudder's example push and calls built from it.

Each generated push keeps the example's shape (contact, custom attribute, call with transcript,
answers and redials) and varies what support staff filter on: answered or not (an unanswered
call's start equals its end, as the spec defines), ring and hangup types (including a ring type
the spec does not list and a JSON ``null``), intentions, the optional lists, and calls pushed by
two API nodes of their workflow.
"""

import copy
import json
import random
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

from .account import (
    DEMO_SEED,
    WORKFLOWS,
    DemoCustomer,
    DemoWorkflow,
    demo_customers,
    load_example,
    random_id,
    stable_id,
)

GENERATED = 60
DAYS = 14
CALLER_NUMBER = "+622150000001"
# Why a call was not answered; None is a JSON null, "voicemail" a value the spec does not list.
UNANSWERED_RING_TYPES = [
    "busy", "cantuse", "holdline", "switchoff", "outofarea", "unregister", "wrongnum", "notmatch",
    "normal", None, "voicemail",
]  # fmt: skip
NOT_ANSWERED = ("NA", "Not answered")
_LOCAL = "%Y-%m-%d %H:%M:%S"

_OPENING = "Hello, this is Hannah from Acme Finance. Am I speaking with {name}?"
# Each workflow's script: what the robot asks, and what customers answer ("" is silence).
_SCRIPTS = json.loads((Path(__file__).with_name("call_scripts.json")).read_text(encoding="utf-8"))
_QUESTIONS = {
    "Order confirmation": ("Q1", "Order confirmation", "yes_no", ["Yes", "No"]),
    "Satisfaction survey": ("NPS", "Recommendation score", "open", ["10", "8", "5"]),
    "Collections reminder D-3": ("PTP_DATE", "Promise to pay date", "date", ["Friday", "Monday"]),
}
_LABELS = {
    "Correct_Person": "identity_correct_person",
    "Request_Installment": "action_item_request_installment",
    "Callback": "action_item_callback",
    "Complaint": "sentiment_complaint",
}


def _offset(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _transcript(rng: random.Random, workflow: DemoWorkflow, customer: DemoCustomer, talk: int):
    turns = [
        (_OPENING.format(name=customer.name.split()[0]), rng.choice(["yes", "ya", "speaking"]))
    ]
    for step in _SCRIPTS[workflow.name]:
        robot_text, answers = step["robot"], step["answers"]
        turns.append((robot_text, rng.choice(answers)))
        if rng.random() < 0.25:  # the customer said nothing and the robot heard nothing
            turns.append(("", ""))
    turns.append(("Thank you for your time. Goodbye!", ""))
    step = max(talk // len(turns), 1)
    return [
        {"time": _offset(min(i * step + rng.randint(0, 2), talk)), "robottext": robot, "text": said}
        for i, (robot, said) in enumerate(turns)
    ]


def _redials(rng: random.Random, attempts: int, first: datetime, number: str) -> list[dict]:
    moment = first
    rows = []
    for _ in range(attempts):
        moment += timedelta(seconds=rng.randint(3, 90))
        rows.append(
            {
                "call_id": random_id(rng),
                "call_start_time": moment.strftime(_LOCAL),
                "ring_type": rng.choice(["normal", "busy", "holdline"]),
                "ring_time": rng.randint(0, 30),
                "hangup_type": rng.choice(["ByCallee", "Canceled"]),
                "result_label": "F",
                "callee_number": number,
                "caller_number": CALLER_NUMBER,
            }
        )
    return rows


def _callee(rng, workflow: DemoWorkflow, customer: DemoCustomer, today, example: dict) -> dict:
    callee = copy.deepcopy(example["callee"])
    callee.update(
        case_id=customer.case_id,
        callee_name=customer.name.upper(),
        callee_gender=customer.gender,
        callee_number=customer.phone,
        platform_name="ACME",
        extra_a=workflow.name,
        extra_b=rng.choice(["Jakarta", "Bandung", "Surabaya", "Denpasar"]),
        extra_c="",
        extra=[{"Question": "segment", "Content": rng.choice(["new", "returning", "vip"])}],
        extend={"variables": {"segment": "retail"}, "detail_source": "web", "pds_variables": {}},
        comments="",
    )
    debt_fields = ("borrowed_date", "due_date", "borrowed_amount", "total_owing_amount")
    if workflow.debt_collection:
        borrowed = rng.randrange(20, 400) * 50_000
        callee.update(
            borrowed_date=(today - timedelta(days=rng.randint(60, 365))).isoformat(),
            due_date=(today + timedelta(days=rng.randint(-10, 5))).isoformat(),
            borrowed_amount=f"{borrowed}.00",
            total_owing_amount=f"{borrowed * rng.uniform(1.0, 1.2):.2f}",
            currency_unit="IDR",
        )
        if rng.random() < 0.1:  # uploaded without an amount: kept empty, never an error
            callee["total_owing_amount"] = ""
    else:
        for name in (*debt_fields, "currency_unit"):
            callee.pop(name, None)
    return callee


def _call(rng, index: int, workflow, customer, started_ago: timedelta, tz, now, example) -> dict:
    """The ``call`` object of one push; times are the account's naive local times."""
    forced_ring = index - 10  # calls 10.. show every way of not answering once
    answered = not 0 <= forced_ring < len(UNANSWERED_RING_TYPES) and rng.random() < 0.75
    local_now = now.astimezone(tz).replace(tzinfo=None)
    started = local_now - started_ago
    number = customer.phone if rng.random() < 0.9 else customer.phone[:-4] + "0000"
    call_times = rng.choice([1, 1, 1, 2, 3])
    call = {
        "task_id": stable_id(workflow.workflow_id, "task"),
        "call_id": random_id(rng),
        "callee_number": number,
        "robot_id": workflow.robot_id,
        "call_times": call_times,
        "slots": "",
        "asr_ptp": "",
        "caller_number": CALLER_NUMBER,
    }
    if answered:
        talk = rng.randint(15, 240)
        intention = rng.choice(list(workflow.intentions))
        call.update(
            call_start_time=started.strftime(_LOCAL),
            call_end_time=(started + timedelta(seconds=talk)).strftime(_LOCAL),
            ring_type="normal",
            ring_time=rng.randint(2, 20),
            hangup_type=rng.choice(["ByCallee", "ByRobot"]),
            intention=intention,
            intention_description=workflow.intentions[intention],
            multi_label=dict(rng.sample(sorted(_LABELS.items()), rng.randint(0, 2))),
            ner_slots={"PaymentMethod": "Transfer"} if workflow.debt_collection else {},
            asr_result=_transcript(rng, workflow, customer, talk),
        )
        call["talk_round"] = sum(1 for turn in call["asr_result"] if turn["text"])
        if workflow.name in _QUESTIONS and rng.random() < 0.7:
            name, content, kind, answers = _QUESTIONS[workflow.name]
            answer = rng.choice(answers)
            row = copy.deepcopy(example["call"]["question_answer"][0])
            row.update(
                question_name=name,
                question_content=content,
                question_type=kind,
                answer=answer,
                answer_text=answer.lower(),
                answer_text_slot=answer,
                var=name.lower(),
                verification_results="Match",
            )
            call["question_answer"] = [row]
    else:
        if 0 <= forced_ring < len(UNANSWERED_RING_TYPES):
            ring_type = UNANSWERED_RING_TYPES[forced_ring]
        else:
            ring_type = rng.choice(UNANSWERED_RING_TYPES[:9])
        call.update(
            call_start_time=started.strftime(_LOCAL),
            call_end_time=started.strftime(_LOCAL),
            ring_type=ring_type,
            ring_time=rng.randint(0, 45),
            hangup_type=rng.choice(["Canceled", "ByCallee"]),
            intention=NOT_ANSWERED[0],
            intention_description=NOT_ANSWERED[1],
            multi_label={},
            ner_slots={},
            talk_round=0,
            asr_result=[],
        )
    if call_times > 1:
        first = started - timedelta(minutes=rng.randint(5, 30))
        call["redial_call"] = _redials(rng, call_times - 1, first, number)
    return call


def demo_call_payloads(
    *, now: datetime, tz: zoneinfo.ZoneInfo, count: int = GENERATED
) -> list[dict]:
    """AI Rudder's example, then ``count`` calls of the last 14 days, some pushed by two nodes.

    Call times are written as AI Rudder writes them: naive, in the account's time zone ``tz``.
    The same every time but for the times, which are placed relative to ``now``.
    """
    example = load_example("call_result")
    rng = random.Random(f"{DEMO_SEED}-call")
    customers = demo_customers()
    now = now.replace(microsecond=0)
    today = now.astimezone(tz).date()
    payloads = [copy.deepcopy(example)]
    for index in range(count):
        workflow = WORKFLOWS[index % len(WORKFLOWS)]
        customer = rng.choice(customers)
        started_ago = timedelta(seconds=rng.randint(900, DAYS * 86400 - 900))
        push = {
            "workflow_id": workflow.workflow_id,
            "workflow_name": workflow.name,
            "node_id": stable_id(workflow.workflow_id, "API1"),
            "node_name": "API1",
            "callee": _callee(rng, workflow, customer, today, example),
            "custom_attribute": {"campaign": workflow.name, "batch": f"B{index // 10 + 1:02d}"},
            "call": _call(rng, index, workflow, customer, started_ago, tz, now, example),
        }
        payloads.append(push)
        if index % 7 == 3:  # the workflow's second API node pushes the same call again
            second = copy.deepcopy(push)
            second.update(
                node_id=stable_id(workflow.workflow_id, "API2"),
                node_name="API2",
                custom_attribute={"crm_ticket": f"T-{rng.randrange(10000, 99999)}"},
            )
            payloads.append(second)
    return payloads
