"""The demo's AI Rudder account: its workflows, its customers, and ids of AI Rudder's shape.

The demo is one imaginary AI Rudder account: a few workflows that both send WhatsApp templates and
place voicebot calls, and a pool of customers that both chat and get called (so that a customer's
history spans calls and chat sessions). ``demo.chats`` and ``demo.calls`` build the bodies from AI
Rudder's own examples; ``demo.loader`` delivers them as AI Rudder would.

Generation is deterministic: a seeded ``random.Random`` draws the same ids and the same
conversations every time, and only the times follow ``now``. That is what lets ``demo_load`` tell
a body it delivered before from a new one.
"""

import copy
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from integrations import kinds

DEMO_SEED = 20250415
CURRENCY = "IDR"  # the demo account is Indonesian


@dataclass(frozen=True)
class DemoWorkflow:
    workflow_id: str
    name: str
    robot_id: str  # the voicebot that calls
    chatbot_id: str  # the WhatsApp chatbot that answers the workflow's templates
    # intention label -> AI Rudder's description of it, as a robot of this workflow reports them
    intentions: dict[str, str]
    debt_collection: bool = False


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    gender: str
    phone: str
    case_id: str


# What the collections robots of the account report: the same codes in both collections workflows
# (an account has one vocabulary), each description worded so that its outcome group is guessed
# right (``collections_app.vocabulary``). "E" is AI Rudder's own example's (delivered first, so its
# description is the label): an answered call where the customer said nothing.
COLLECTIONS_INTENTIONS = {
    "A": "Promise to pay",
    "B": "Already paid",
    "C": "Refuses to pay",
    "D": "Disputes the debt",
    "E": "No Voice",
    "F": "Wrong person",
    "G": "Call back later",
    "H": "Asks for installment",
}

WORKFLOWS = [
    DemoWorkflow(
        workflow_id="1b7e0c2a9d4f4e6b8a3c5d7e9f1a2b3c",
        name="Collections reminder D-3",
        robot_id="4811",
        chatbot_id="6011",
        intentions=COLLECTIONS_INTENTIONS,
        debt_collection=True,
    ),
    DemoWorkflow(
        workflow_id="2c8f1d3b0e5a4f7c9b4d6e8f0a2b3c4d",
        name="Collections overdue D+7",
        robot_id="4812",
        chatbot_id="6011",
        intentions=COLLECTIONS_INTENTIONS,
        debt_collection=True,
    ),
    DemoWorkflow(
        workflow_id="3d9a2e4c1f6b4a8d0c5e7f9a1b3c4d5e",
        name="Order confirmation",
        robot_id="4496",
        chatbot_id="6020",
        intentions={
            "Confirmed": "Order confirmed",
            "Cancel": "Wants to cancel",
            "Change_Address": "Asks to change the address",
            "No_Answer": "No voice",
        },
    ),
    DemoWorkflow(
        workflow_id="4e0b3f5d2a7c4b9e1d6f8a0b2c4d5e6f",
        name="Satisfaction survey",
        robot_id="5120",
        chatbot_id="6031",
        intentions={
            "Promoter": "Score 9-10",
            "Passive": "Score 7-8",
            "Detractor": "Score 0-6",
            "Declined": "Did not want to answer",
        },
    ),
    DemoWorkflow(
        workflow_id="5f1c4a6e3b8d4c0f2e7a9b1c3d5e6f7a",
        name="Loan offer opt-in",
        robot_id="5233",
        chatbot_id="6042",
        intentions={
            "Interested": "Wants the offer",
            "Later": "Call back later",
            "Not_Interested": "Not interested",
            "Opt_Out": "Asked not to be contacted",
        },
    ),
]

_FIRST_NAMES = [
    ("Siti", "FEMALE"), ("Budi", "MALE"), ("Dewi", "FEMALE"), ("Agus", "MALE"), ("Rina", "FEMALE"),
    ("Wayan", "MALE"), ("Putri", "FEMALE"), ("Joko", "MALE"), ("Ayu", "FEMALE"), ("Hendra", "MALE"),
    ("Lestari", "FEMALE"), ("Eko", "MALE"), ("Maya", "FEMALE"), ("Rudi", "MALE"), ("Nur", "FEMALE"),
    ("Andi", "MALE"), ("Fitri", "FEMALE"), ("Yusuf", "MALE"), ("Indah", "FEMALE"), ("Bayu", "MALE"),
    ("Sari", "FEMALE"), ("Dimas", "MALE"), ("Wulan", "FEMALE"), ("Taufik", "MALE"),
    ("Ratna", "FEMALE"), ("Fajar", "MALE"), ("Mega", "FEMALE"), ("Irfan", "MALE"),
    ("Yanti", "FEMALE"), ("Arif", "MALE"), ("Novi", "FEMALE"), ("Gilang", "MALE"),
    ("Kartika", "FEMALE"), ("Rizky", "MALE"), ("Desi", "FEMALE"), ("Hadi", "MALE"),
    ("Tuti", "FEMALE"), ("Iwan", "MALE"), ("Ani", "FEMALE"), ("Surya", "MALE"),
    ("Eka", "FEMALE"), ("Bambang", "MALE"), ("Citra", "FEMALE"), ("Adi", "MALE"),
]  # fmt: skip
# Customers the robots cannot reach (their phone is off or out of service) and customers whose
# uploaded number now belongs to someone else: called on purpose, never chatting.
_UNREACHABLE_NAMES = [("Slamet", "MALE"), ("Ningsih", "FEMALE"), ("Darmawan", "MALE")]
_WRONG_PARTY_NAMES = [("Kurniawati", "FEMALE"), ("Sugeng", "MALE")]
_LAST_NAMES = ["Wijaya", "Santoso", "Pratama", "Saputra", "Hidayat", "Kusuma", "Nugroho", "Lubis"]


def _customers(seed: int | str, names: list[tuple[str, str]], first: int) -> list[DemoCustomer]:
    rng = random.Random(seed)
    return [
        DemoCustomer(
            name=f"{given} {rng.choice(_LAST_NAMES)}",
            gender=gender,
            phone=f"+628{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
            case_id=f"CASE-{first + index}",
        )
        for index, (given, gender) in enumerate(names)
    ]


def demo_customers() -> list[DemoCustomer]:
    """The demo account's customers; the same list every time (a name added at the end of the
    list leaves the customers before it as they were)."""
    return _customers(DEMO_SEED, _FIRST_NAMES, 10000)


def unreachable_customers() -> list[DemoCustomer]:
    """Customers whose every call goes unanswered: their numbers read unreachable."""
    return _customers(f"{DEMO_SEED}-unreachable", _UNREACHABLE_NAMES, 19000)


def wrong_party_customers() -> list[DemoCustomer]:
    """Customers whose number someone else answers: their numbers read wrong party."""
    return _customers(f"{DEMO_SEED}-wrong-party", _WRONG_PARTY_NAMES, 19500)


@dataclass(frozen=True)
class Debt:
    """What a customer owes, as the collections workflows upload it (amounts in rupiah)."""

    borrowed: Decimal
    owing: Decimal
    borrowed_days_ago: int
    currency: str = CURRENCY


def share(amount: Decimal, parts: int) -> Decimal:
    """A part of ``amount`` as a customer would pay it: in whole thousands of rupiah."""
    return (amount / parts / 1000).quantize(Decimal(1)) * 1000


def customer_debt(customer: DemoCustomer) -> Debt:
    """The customer's loan: the same in every call and chat (drawn from the case id alone)."""
    rng = random.Random(f"{DEMO_SEED}-debt-{customer.case_id}")
    borrowed = Decimal(rng.randrange(5, 121) * 100_000)
    owing = borrowed * Decimal(str(rng.uniform(1.0, 1.25)))
    # Most totals are whole rupiah; some carry interest to the sen, as a lender's system writes.
    owing = owing.quantize(Decimal("0.01") if rng.random() < 0.4 else Decimal("1"))
    owing = min(owing, Decimal(15_000_000))
    return Debt(borrowed=borrowed, owing=owing, borrowed_days_ago=rng.randint(60, 365))


def random_id(rng: random.Random, length: int = 32) -> str:
    """A hex id of AI Rudder's shape (call ids, message ids, task ids)."""
    return f"{rng.getrandbits(length * 4):0{length}x}"


def stable_id(*parts: str) -> str:
    """A hex id that depends only on ``parts``: for things that belong to a workflow."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


def load_example(kind_slug: str) -> dict:
    """AI Rudder's example body of a kind, as its app declares it (a copy: callers change it)."""
    return copy.deepcopy(kinds.get(kind_slug).example_payload)
