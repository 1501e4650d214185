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

from integrations import kinds

DEMO_SEED = 20250415


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


WORKFLOWS = [
    DemoWorkflow(
        workflow_id="1b7e0c2a9d4f4e6b8a3c5d7e9f1a2b3c",
        name="Collections reminder D-3",
        robot_id="4811",
        chatbot_id="6011",
        intentions={
            "A": "Promise to pay",
            "B": "Already paid",
            "C": "Asks for installment",
            "E": "No clear answer",
            "F": "Refuses to pay",
        },
        debt_collection=True,
    ),
    DemoWorkflow(
        workflow_id="2c8f1d3b0e5a4f7c9b4d6e8f0a2b3c4d",
        name="Collections overdue D+7",
        robot_id="4812",
        chatbot_id="6011",
        intentions={
            "A": "Promise to pay",
            "C": "Asks for installment",
            "D": "Wrong person",
            "F": "Refuses to pay",
        },
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
]  # fmt: skip
_LAST_NAMES = ["Wijaya", "Santoso", "Pratama", "Saputra", "Hidayat", "Kusuma", "Nugroho", "Lubis"]


def demo_customers() -> list[DemoCustomer]:
    """The demo account's customers; the same list every time."""
    rng = random.Random(DEMO_SEED)
    return [
        DemoCustomer(
            name=f"{first} {rng.choice(_LAST_NAMES)}",
            gender=gender,
            phone=f"+628{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
            case_id=f"CASE-{10000 + index}",
        )
        for index, (first, gender) in enumerate(_FIRST_NAMES)
    ]


def random_id(rng: random.Random, length: int = 32) -> str:
    """A hex id of AI Rudder's shape (call ids, message ids, task ids)."""
    return f"{rng.getrandbits(length * 4):0{length}x}"


def stable_id(*parts: str) -> str:
    """A hex id that depends only on ``parts``: for things that belong to a workflow."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


def load_example(kind_slug: str) -> dict:
    """AI Rudder's example body of a kind, as its app declares it (a copy: callers change it)."""
    return copy.deepcopy(kinds.get(kind_slug).example_payload)
