"""Demo data fed through the real ingest path, so that a fresh ``make run`` has something to show.

The demo is one imaginary AI Rudder account: a few workflows that both send WhatsApp templates and
place voicebot calls, and a pool of customers that both chat and get called (so that a customer's
history spans calls and chat sessions). ``sessions_app.demo`` and ``calls_app.demo`` build the
bodies from AI Rudder's own examples; ``demo_load`` delivers them as AI Rudder would.

Generation is deterministic: a seeded ``random.Random`` draws the same ids and the same
conversations every time, and only the times follow ``now``. That is what lets ``demo_load`` tell
a body it delivered before from a new one.
"""

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import WebhookEndpoint, WebhookEvent
from .services import webhook_dedup_key, webhook_event_process, webhook_event_receive
from .tasks import process_event

# AI Rudder's example bodies, kept once, where the tests load them from: the demo is a tool of a
# working copy (``make run``), and the same file serving both keeps them from drifting apart.
EXAMPLES_DIR = Path(settings.BASE_DIR) / "tests" / "fixtures"

DEMO_SEED = 20250415
DEMO_USER_AGENT = "airudder-inbox demo (manage.py bootstrap)"


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


def load_example(name: str) -> dict:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


@dataclass
class DemoReport:
    """What ``demo_load`` did: bodies delivered per kind, bodies already there, failed events."""

    delivered: Counter = field(default_factory=Counter)
    already_loaded: int = 0
    failed: list[str] = field(default_factory=list)


def _already_delivered(endpoint: WebhookEndpoint, kind: str, payload: dict, dedup_key: str) -> bool:
    events = WebhookEvent.objects.filter(endpoint=endpoint, kind=kind)
    if kind == WebhookEvent.Kind.CHATBOT_SESSION_END:
        # The generated conversations' notification times follow ``now``, so a later run makes a
        # different key for the same conversation: the call id alone says it is there already.
        return events.filter(dedup_key__startswith=f"{payload['call_id']}@").exists()
    return events.filter(dedup_key=dedup_key).exists()


def demo_payloads(
    *, endpoint: WebhookEndpoint, now: datetime | None = None
) -> list[tuple[str, dict]]:
    """Every demo body in delivery order, with the kind of webhook it is posted to."""
    # Imported here: the domain apps' generators import this module's shared demo account.
    from calls_app.demo import demo_call_payloads
    from sessions_app.demo import demo_chat_payloads

    now = now or timezone.now()
    chats = demo_chat_payloads(now=now)
    calls = demo_call_payloads(now=now, tz=endpoint.tzinfo)
    return [(WebhookEvent.Kind.CHATBOT_SESSION_END, p) for p in chats] + [
        (WebhookEvent.Kind.CALL_RESULT, p) for p in calls
    ]


def demo_load(*, endpoint: WebhookEndpoint, now: datetime | None = None) -> DemoReport:
    """Deliver the demo bodies to ``endpoint`` through the webhook's own service, once.

    A body delivered before (by an earlier run, or the example sent with curl) is skipped, not
    delivered again: a repeat would count as one of AI Rudder's retries. Each event is processed
    in this process, even when a broker is configured, so that the demo needs no worker.
    """
    report = DemoReport()
    headers = {"Content-Type": "application/json", "User-Agent": DEMO_USER_AGENT}
    conf = process_event.app.conf
    eager_before = conf.task_always_eager
    # The task queued on commit then runs here too, instead of waiting on a broker, or on its
    # time-out for each of a hundred bodies when the broker is down.
    conf.task_always_eager = True
    try:
        for kind, payload in demo_payloads(endpoint=endpoint, now=now):
            body = json.dumps(payload, ensure_ascii=False).encode()
            dedup_key = webhook_dedup_key(kind=kind, payload=payload, body=body)
            if _already_delivered(endpoint, kind, payload, dedup_key):
                report.already_loaded += 1
                continue
            delivery = webhook_event_receive(
                endpoint=endpoint, kind=kind, body=body, headers=headers, remote_addr="127.0.0.1"
            )
            event = webhook_event_process(event_id=delivery.event.pk)
            report.delivered[kind] += 1
            if event.status != event.Status.PROCESSED:
                report.failed.append(f"event {event.pk}: {event.error}")
    finally:
        conf.task_always_eager = eager_before
    return report
