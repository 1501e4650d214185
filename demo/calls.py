"""Demo call results: AI Rudder's example push and calls built from it.

Each generated push keeps the example's shape (contact, custom attribute, call with transcript,
answers and redials) and varies what support staff filter on: answered or not (an unanswered
call's start equals its end, as the spec defines), ring and hangup types (including a ring type
the spec does not list and a JSON ``null``), intentions, the optional lists, and calls pushed by
two API nodes of their workflow.

And what a collections team reads: most calls are the two collections workflows', whose contacts
carry the customer's loan (amounts in rupiah, due dates past and upcoming); about a quarter of the
answered calls promise to pay (a date and an amount in ``ner_slots`` or ``asr_ptp``, some already
lapsed, some due today); calls are placed 08:00-20:00 local time and answered more often late in
the morning and early in the evening; a few numbers are never answered (unreachable) and a couple
are answered by somebody else (wrong party).

All of them, a hundred calls at most, fit on one page of the admin's call list.
"""

import copy
import datetime as dt
import json
import random
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from .account import (
    DEMO_SEED,
    WORKFLOWS,
    Debt,
    DemoCustomer,
    DemoWorkflow,
    customer_debt,
    demo_customers,
    load_example,
    random_id,
    share,
    stable_id,
    unreachable_customers,
    wrong_party_customers,
)

GENERATED = 75
DAYS = 14
CALLER_NUMBER = "+622150000001"
# Why a call was not answered; None is a JSON null, "voicemail" a value the spec does not list.
UNANSWERED_RING_TYPES = [
    "busy", "cantuse", "holdline", "switchoff", "outofarea", "unregister", "wrongnum", "notmatch",
    "normal", None, "voicemail",
]  # fmt: skip
# "No answer", worded so that the account's vocabulary files it under no contact.
NOT_ANSWERED = ("NA", "No answer")
# The dialler's hours (local time), and the share of calls answered in each: customers pick up
# before lunch and after work, far less early in the morning or mid-afternoon.
CALL_HOURS = range(8, 20)
ANSWER_RATE = {
    8: 0.35, 9: 0.45, 10: 0.55, 11: 0.85, 12: 0.9, 13: 0.8,
    14: 0.45, 15: 0.4, 16: 0.5, 17: 0.6, 18: 0.85, 19: 0.9,
}  # fmt: skip
# Which workflow places each call, in turn: the collections workflows two calls in three.
_ROTATION = [0, 1, 2, 0, 1, 3, 0, 1, 4]
# How answered collections calls end, per workflow (weights); "F" (wrong person) only on the
# numbers somebody else answers (``wrong_party_customers``).
_OUTCOMES = {
    "Collections reminder D-3": {"A": 56, "B": 15, "C": 6, "D": 4, "E": 5, "G": 15, "H": 13},
    "Collections overdue D+7": {"A": 28, "B": 7, "C": 17, "D": 9, "E": 5, "G": 17, "H": 13},
}
# How an unreachable number fails to answer, one way per number.
_UNREACHABLE_RINGS = ["switchoff", "outofarea", "normal"]
_LOCAL = "%Y-%m-%d %H:%M:%S"

_OPENING = "Hello, this is Hannah from Acme Finance. Am I speaking with {name}?"
# Each workflow's script: what the robot asks, and what customers answer ("" is silence).
_SCRIPTS = json.loads((Path(__file__).with_name("call_scripts.json")).read_text(encoding="utf-8"))
# What a collections customer answers to the script's first question, by intention.
_SAYS = {
    "A": ["yes I will pay {date}", "ok, I transfer {amount} {date}", "I pay {date} after payday"],
    "B": ["I already paid", "sudah bayar kemarin", "I paid last week, I have the receipt"],
    "C": ["I have no money now", "I will not pay this", "stop calling me"],
    "D": ["this is not my loan", "the amount is wrong, I never borrowed that much"],
    "E": [""],
    "F": ["wrong number", "I don't know this person", "salah sambung"],
    "G": ["I'm driving, call me later", "call me tonight please", "I'm at work now"],
    "H": ["can I pay in installments", "can I pay half now and half next month"],
}  # fmt: skip
_QUESTIONS = {
    "Order confirmation": ("Q1", "Order confirmation", "yes_no", ["Yes", "No"]),
    "Satisfaction survey": ("NPS", "Recommendation score", "open", ["10", "8", "5"]),
}
_PTP_QUESTION = ("PTP_DATE", "Promise to pay date", "date")
_LABELS = {
    "Correct_Person": "identity_correct_person",
    "Wrong_Person": "identity_wrong_person",
    "Request_Installment": "action_item_request_installment",
    "Callback": "action_item_callback",
    "Complaint": "sentiment_complaint",
}
# The event labels a collections robot adds to an answered call besides who answered.
_OUTCOME_LABELS = {"C": "Complaint", "D": "Complaint", "G": "Callback", "H": "Request_Installment"}


def _offset(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _transcript(
    rng: random.Random, workflow: DemoWorkflow, customer: DemoCustomer, talk: int, says: str | None
):
    """The conversation; ``says``: what the customer answers the first question (by outcome)."""
    greeting = "no, wrong number" if says in _SAYS["F"] else rng.choice(["yes", "ya", "speaking"])
    turns = [(_OPENING.format(name=customer.name.split()[0]), greeting)]
    for position, step in enumerate(_SCRIPTS[workflow.name]):
        robot_text, answers = step["robot"], step["answers"]
        said = rng.choice(answers)
        turns.append((robot_text, says if position == 0 and says is not None else said))
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


def _callee(rng, workflow: DemoWorkflow, customer: DemoCustomer, day: dt.date, example: dict):
    """The contact as the workflow uploaded it on ``day``: a collections one with its loan."""
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
    if workflow.debt_collection:
        debt = customer_debt(customer)
        # D-3 reminds of an instalment due in a few days; D+7 chases one due a week or more ago.
        if workflow.name.endswith("D-3"):
            due = day + timedelta(days=rng.randint(1, 5))
        else:
            due = day - timedelta(days=rng.randint(5, 40))
        callee.update(
            borrowed_date=(day - timedelta(days=debt.borrowed_days_ago)).isoformat(),
            due_date=due.isoformat(),
            borrowed_amount=f"{debt.borrowed:.2f}",
            total_owing_amount=str(debt.owing),
            currency_unit=debt.currency,
        )
    else:
        for name in ("borrowed_date", "due_date", "borrowed_amount", "total_owing_amount"):
            callee.pop(name, None)
        callee.pop("currency_unit", None)
    return callee


def _rupiah(amount: Decimal, style: int) -> str:
    """An amount as the robot's slot writes it: ``1.500.000``, ``Rp 1.500.000`` or ``1500000``."""
    whole = f"{amount:,.0f}".replace(",", ".")
    return [whole, f"Rp {whole}", f"{amount:.0f}"][style % 3]


@dataclass(frozen=True)
class _Promise:
    asr_ptp: str
    slots: dict
    date: dt.date | None  # the date promised, when the customer said one
    amount: str  # the amount promised, as the customer said it


def _promise(
    rng: random.Random, debt: Debt, day: dt.date, today: dt.date, *, due_today: bool = False
) -> _Promise:
    """What a promise to pay made on ``day`` carries.

    Dates are 1-14 days after the call (so the older ones have lapsed), one in eight for today
    (and every one ``due_today``).
    Written the ways AI Rudder writes them: ``PTP_Date``/``PTP_Amount`` slots, ``asr_ptp`` as a
    date or as JSON, a ``PaymentDate`` slot day first (the amount is then what is owed), or no
    date at all.
    """
    style, for_today, partial = rng.random(), rng.random(), rng.random()
    offset = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 7, 10, 14])
    if for_today < 0.12 or due_today:
        offset = (today - day).days
        style = min(style, 0.9)  # with a date
    promised = day + timedelta(days=offset)
    amount = debt.owing
    if partial < 0.35:  # half now, the rest later
        amount = share(debt.owing, 2)
    written = _rupiah(amount, rng.randrange(3))
    slots = {"PaymentMethod": rng.choice(["Transfer", "Virtual account", "Minimarket"])}
    if style < 0.45:
        dated = {"PTP_Date": promised.isoformat(), "PTP_Amount": written}
        return _Promise("", {**slots, **dated}, promised, written)
    if style < 0.7:
        return _Promise(promised.isoformat(), slots, promised, written)
    if style < 0.85:
        owed = _rupiah(debt.owing, 0)
        return _Promise("", {**slots, "PaymentDate": f"{promised:%d/%m/%Y}"}, promised, owed)
    if style < 0.95:
        ptp = json.dumps({"PTP_Date": promised.isoformat(), "PTP_Amount": written})
        return _Promise(ptp, {}, promised, written)
    return _Promise("", slots, None, written)


def _labels(rng: random.Random, workflow: DemoWorkflow, intention: str) -> dict:
    """The event labels of an answered call: who answered, then what was asked for."""
    if not workflow.debt_collection:
        names = rng.sample(["Callback", "Complaint"], rng.randint(0, 1))
    elif intention == "F":
        names = ["Wrong_Person"]
    else:
        identified = intention != "E" and rng.random() < 0.9
        names = ["Correct_Person"] if identified else []
        if intention in _OUTCOME_LABELS and rng.random() < 0.6:
            names.append(_OUTCOME_LABELS[intention])
    return {name: _LABELS[name] for name in names}


def _call(
    rng,
    workflow: DemoWorkflow,
    customer: DemoCustomer,
    started: datetime,
    today: dt.date,
    example: dict,
    *,
    answered: bool,
    intention: str | None = None,
    ring_type: str | None = "",
    number: str | None = None,
    due_today: bool = False,
) -> dict:
    """The ``call`` object of one push, started at ``started`` (naive, the account's local time).

    ``intention``: the outcome of an answered call, else drawn for its workflow; ``ring_type``:
    why an unanswered call was not, else drawn; ``due_today``: a promise it makes is for today.
    """
    number = number or customer.phone
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
        outcomes = _OUTCOMES.get(workflow.name)
        if intention is None and outcomes:
            intention = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
        elif intention is None:
            intention = rng.choice(list(workflow.intentions))
        says, slots = None, {}
        if outcomes:
            debt = customer_debt(customer)
            says = rng.choice(_SAYS[intention])
            if intention == "A":
                promise = _promise(rng, debt, started.date(), today, due_today=due_today)
                call["asr_ptp"], slots = promise.asr_ptp, promise.slots
                when = f"on {promise.date:%d %B}" if promise.date else "soon"
                says = says.format(date=when, amount=promise.amount)
            elif intention == "H" and rng.random() < 0.3:
                # An instalment plan agreed: its first date in ``asr_ptp``, its amount a slot.
                first = started.date() + timedelta(days=rng.randint(7, 14))
                call["asr_ptp"] = first.isoformat()
                slots = {"PTP_Amount": _rupiah(share(debt.owing, 3), 0)}
        call.update(
            call_start_time=started.strftime(_LOCAL),
            call_end_time=(started + timedelta(seconds=talk)).strftime(_LOCAL),
            ring_type="normal",
            ring_time=rng.randint(2, 20),
            hangup_type=rng.choice(["ByCallee", "ByRobot"]),
            intention=intention,
            intention_description=workflow.intentions[intention],
            multi_label=_labels(rng, workflow, intention),
            ner_slots=slots,
            asr_result=_transcript(rng, workflow, customer, talk, says),
        )
        call["talk_round"] = sum(1 for turn in call["asr_result"] if turn["text"])
        question = _QUESTIONS.get(workflow.name)
        if intention == "A" and workflow.name.endswith("D-3"):
            date = promise.date.isoformat() if promise.date else "next week"
            question = (*_PTP_QUESTION, [date])
        if question and rng.random() < 0.7:
            name, content, kind, answers = question
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
        if ring_type == "":
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


class _Clock:
    """Call times: a day of the last two weeks and an hour of the dialler's, local to the account.

    What is drawn never depends on ``now`` (the same calls whenever the demo is built); a call
    that would end after ``now`` is placed the day before.
    """

    def __init__(self, now: datetime, tz: zoneinfo.ZoneInfo):
        self.local_now = now.astimezone(tz).replace(tzinfo=None)
        self.today = self.local_now.date()
        self.hours: list[int] = []

    def draw(self, rng: random.Random, days_ago: tuple[int, int] = (0, DAYS - 2)) -> datetime:
        """A time on a day ``days_ago`` (a range), each hour of the dialler's once in turn."""
        if not self.hours:
            self.hours = list(CALL_HOURS)
            rng.shuffle(self.hours)
        day = self.today - timedelta(days=rng.randint(*days_ago))
        hour = self.hours.pop()
        return datetime.combine(day, dt.time(hour)) + timedelta(seconds=rng.randrange(3600))

    def placed(self, started: datetime, seconds: int = 240) -> datetime:
        if started + timedelta(seconds=seconds + 60) >= self.local_now:
            return started - timedelta(days=1)
        return started


def _push(rng, index: int, workflow: DemoWorkflow, customer, call: dict, day, example) -> dict:
    return {
        "workflow_id": workflow.workflow_id,
        "workflow_name": workflow.name,
        "node_id": stable_id(workflow.workflow_id, "API1"),
        "node_name": "API1",
        "callee": _callee(rng, workflow, customer, day, example),
        "custom_attribute": {"campaign": workflow.name, "batch": f"B{index // 10 + 1:02d}"},
        "call": call,
    }


def _hard_to_reach(rng, clock: _Clock, example: dict, first_index: int) -> list[dict]:
    """Calls to the numbers nobody answers (five or six over two or three days each: enough to
    read unreachable) and to those somebody else answers (not answered once, then a wrong person
    twice)."""
    overdue = WORKFLOWS[1]
    pushes = []
    index = first_index
    for number, customer in enumerate(unreachable_customers()):
        workflow = WORKFLOWS[number % 2]
        days = sorted(rng.sample(range(1, DAYS - 1), rng.randint(2, 3)), reverse=True)
        for attempt in range(rng.randint(5, 6)):
            started = clock.draw(rng, (days[attempt % len(days)],) * 2)
            ring_type = _UNREACHABLE_RINGS[number] if rng.random() < 0.8 else "busy"
            call = _call(
                rng, workflow, customer, started, clock.today, example,
                answered=False, ring_type=ring_type,
            )  # fmt: skip
            pushes.append(_push(rng, index, workflow, customer, call, started.date(), example))
            index += 1
    for customer in wrong_party_customers():
        days = sorted(rng.sample(range(1, DAYS - 1), 3), reverse=True)
        for attempt, day in enumerate(days):
            started = clock.draw(rng, (day, day))
            call = _call(
                rng, overdue, customer, started, clock.today, example,
                answered=attempt > 0, intention="F",
            )  # fmt: skip
            pushes.append(_push(rng, index, overdue, customer, call, started.date(), example))
            index += 1
    return pushes


def demo_call_payloads(
    *, now: datetime, tz: zoneinfo.ZoneInfo, count: int = GENERATED
) -> list[dict]:
    """AI Rudder's example, then ``count`` calls of the last 14 days, some pushed by two nodes,
    then the calls of the numbers that are hard to reach.

    Call times are written as AI Rudder writes them: naive, in the account's time zone ``tz``.
    The same every time but for the times, which are placed relative to ``now``.
    """
    example = load_example("call_result")
    rng = random.Random(f"{DEMO_SEED}-call")
    customers = demo_customers()
    clock = _Clock(now.replace(microsecond=0), tz)
    payloads = [copy.deepcopy(example)]
    # The first answered collections calls end each way once (a wrong person aside: that is the
    # wrong-party numbers'), so that a small demo shows every outcome.
    unshown = sorted({code for weights in _OUTCOMES.values() for code in weights})
    due_today = 3  # the first promises fall due today: the dashboard has some due every day
    for index in range(count):
        workflow = WORKFLOWS[_ROTATION[index % len(_ROTATION)]]
        customer = rng.choice(customers)
        started = clock.draw(rng)
        forced_ring = index - 10  # calls 10.. show every way of not answering once
        forced = 0 <= forced_ring < len(UNANSWERED_RING_TYPES)
        answered = rng.random() < ANSWER_RATE[started.hour] and not forced
        started = clock.placed(started)
        # Now and then the workflow dials the customer's other number.
        number = customer.phone[:-4] + "0000" if rng.random() < 0.06 else customer.phone
        shown = unshown.pop(0) if answered and workflow.debt_collection and unshown else None
        call = _call(
            rng, workflow, customer, started, clock.today, example, answered=answered,
            intention=shown, ring_type=UNANSWERED_RING_TYPES[forced_ring] if forced else "",
            number=number, due_today=due_today > 0,
        )  # fmt: skip
        if call.get("intention") == "A":
            due_today -= 1
        push = _push(rng, index, workflow, customer, call, started.date(), example)
        payloads.append(push)
        if index % 10 == 3:  # the workflow's second API node pushes the same call again
            second = copy.deepcopy(push)
            second.update(
                node_id=stable_id(workflow.workflow_id, "API2"),
                node_name="API2",
                custom_attribute={"crm_ticket": f"T-{rng.randrange(10000, 99999)}"},
            )
            payloads.append(second)
    payloads += _hard_to_reach(rng, clock, example, count)
    return payloads
