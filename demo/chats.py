"""Demo chatbot session-end notifications: AI Rudder's example and conversations built from it.

Every generated message reuses the shapes of the example's messages (its template, interactive
button and list, media, location, contacts and system events), so the demo exercises what AI Rudder
actually sends. Between them the conversations cover every end reason, hand-overs to an agent,
every content type of the example and one that the spec does not list (a WhatsApp reaction).

The collections chatbot names its outcomes in words (``Promise_To_Pay``, ``Already_Paid``...), and
a customer who promises in the chat leaves the date and amount in ``ner_slots`` (``PTP_Date``,
``PTP_Amount``); the workflow's ``variables`` carry the case, what is owed and its currency.
"""

import copy
import random
import zoneinfo
from datetime import UTC, date, datetime, timedelta

from . import account
from .account import DemoCustomer, DemoWorkflow, customer_debt, random_id, share, stable_id

GENERATED = 50
DAYS = 14
END_REASONS = ["robot", "user", "agent", "expire", "error"]
# Something the customer sends besides answering; "reaction" is not a type the spec lists.
CUSTOMER_EXTRAS = ["image", "file", "location", "contacts", "reaction", "sticker"]
BUSINESS_NUMBER = "6281100009070"

_TEMPLATES = {
    "Collections reminder D-3": (
        "Hi {first}, your installment of IDR {amount} is due in 3 days. How would you like to pay?",
        ["Pay now", "Need more time"],
    ),
    "Collections overdue D+7": (
        "Hi {first}, your installment of IDR {amount} is 7 days overdue. Please settle it today.",
        ["I will pay", "Talk to an agent"],
    ),
    "Order confirmation": (
        "Hi {first}, we received your order #{order}. Shall we deliver it to your address?",
        ["Confirm", "Change address"],
    ),
    "Satisfaction survey": (
        "Hi {first}, thank you for your purchase! May we ask you two short questions?",
        ["Sure", "Not now"],
    ),
    "Loan offer opt-in": (
        "Hi {first}, you are pre-approved for a loan of up to IDR {amount}. Interested?",
        ["Tell me more", "Not interested"],
    ),
}
# The collections chatbot's outcomes (weights), worded so that the account's vocabulary files them
# in the right group; a conversation nobody answered ends "No_Response".
COLLECTIONS_OUTCOMES = {
    "Promise_To_Pay": 38, "Already_Paid": 15, "Refuse_To_Pay": 8, "Dispute": 5,
    "Call_Back_Later": 12, "Ask_Installment": 15, "Wrong_Number": 3,
}  # fmt: skip
NO_RESPONSE = "No_Response"
_QUESTIONS = [
    ("When will you make the payment?", ["Today", "Tomorrow", "This week"]),
    ("Which payment method do you prefer?", ["Bank transfer", "Virtual account", "Minimarket"]),
    ("How likely are you to recommend us (0-10)?", ["0-6", "7-8", "9-10"]),
    ("Please choose a delivery slot", ["Morning", "Afternoon", "Evening"]),
]
_CUSTOMER_TEXTS = [
    "ok",
    "Terima kasih",
    "Can I pay half now and the rest next week?",
    "I paid <b>yesterday</b> & sent the receipt",  # markup a customer typed: shown as text
    "Please call me after 5pm",
    "Who is this?",
    "Sudah bayar kemarin",
]
_AGENT_TEXTS = [
    "Hi, this is Rina from customer care. How can I help?",
    "I have checked your account, thank you for waiting.",
    "I will send you the payment details now.",
    "Is there anything else I can help you with?",
]


class _Conversation:
    """Messages of one conversation, in order, with times in seconds from its start."""

    def __init__(self, rng: random.Random, example: dict):
        self.rng = rng
        self.example = {m["content"]["type"]: m for m in reversed(example["messages"])}
        self.messages: list[dict] = []
        self.elapsed = 0

    def add(self, sender: str, content: dict, *, gap=(5, 90), status="read", reply=None) -> dict:
        self.elapsed += self.rng.randint(*gap)
        message = {
            "msg_id": random_id(self.rng, 26),
            "sender_type": sender,
            "timestamp": self.elapsed,
            "status": status,
            "content": content,
        }
        if reply is not None:
            message["reply"] = {key: reply[key] for key in ("msg_id", "sender_type", "content")}
            message["reply"]["timestamp"] = reply["timestamp"]
        self.messages.append(message)
        return message

    def system(self, event: str, seat: str = "") -> dict:
        content = {
            "type": "system",
            "system": {"type": event, "from_seat_id": "", "to_seat_id": seat},
        }
        return self.add("system", content, gap=(0, 3), status="delivery")

    def template(self, workflow: DemoWorkflow, customer: DemoCustomer, status: str) -> dict:
        body, buttons = _TEMPLATES[workflow.name]
        content = copy.deepcopy(self.example["template"]["content"])
        template = content["template"]
        template["content"]["body"] = body.format(
            first=customer.name.split()[0],
            amount=f"{_amount(self.rng, workflow, customer):,.0f}",
            order=self.rng.randrange(100000, 999999),
        )
        template["content"]["footer"] = "Reply STOP to opt out"
        template["content"]["header"]["media"]["origin_url"] = (
            f"https://example.com/media/{stable_id(workflow.workflow_id, 'header')[:12]}.jpg"
        )
        template["content"]["button"] = [
            {"type": "QUICK_REPLY", "text": text} for text in buttons
        ] + [{"type": "OPT_OUT", "text": "Stop messages"}]
        template["info"] = {
            "id": int(workflow.chatbot_id) % 100,
            "name": workflow.name.lower().replace(" ", "_").replace("-", "_"),
            "language": "en",
        }
        return self.add("chatbot", content, gap=(0, 2), status=status)

    def text(self, sender: str, text: str, **kwargs) -> dict:
        return self.add(sender, {"type": "text", "text": text}, **kwargs)

    def question(self, kind: str) -> None:
        """The robot asks with interactive buttons or a list; the customer's choice quotes it."""
        prompt, options = self.rng.choice(_QUESTIONS)
        content = copy.deepcopy(self.example["interactive"]["content"])
        interactive = content["interactive"]
        interactive["body"]["text"] = prompt
        if kind == "button":
            interactive["type"] = "button"
            interactive["action"] = {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"{random_id(self.rng, 12)}-{i}", "title": o}}
                    for i, o in enumerate(options)
                ]
            }
        else:
            interactive["type"] = "list"
            interactive["action"] = {
                "button": "Choose",
                "sections": [
                    {
                        "title": "Options",
                        "rows": [
                            {"id": f"{random_id(self.rng, 12)}-{i}", "title": o, "description": ""}
                            for i, o in enumerate(options)
                        ],
                    }
                ],
            }
        asked = self.add("robot", content, gap=(1, 5))
        choice = {"type": "interactive", "text": self.rng.choice(options)}
        self.add("user", choice, gap=(10, 300), reply=asked)

    def robot_media(self, kind: str) -> None:
        if kind == "image":
            media = {"origin_url": "https://example.com/media/payment-qr.png"}
            self.add("robot", {"type": "image", "media": media}, gap=(1, 3))
        else:
            media = {
                "origin_url": "https://example.com/files/statement.pdf",
                "name": "statement.pdf",
            }
            self.add("robot", {"type": "file", "media": media}, gap=(1, 3))

    def customer_extra(self, kind: str, customer: DemoCustomer) -> None:
        if kind == "image":
            media = {"origin_url": "https://example.com/media/receipt.jpg", "caption": "receipt"}
            content = {"type": "image", "media": media}
        elif kind == "file":
            media = {"origin_url": "https://example.com/files/transfer.pdf", "name": "transfer.pdf"}
            content = {"type": "file", "media": media}
        elif kind == "location":
            content = copy.deepcopy(self.example["location"]["content"])
            content["location"].update(
                latitude=round(-6.2 + self.rng.uniform(-0.1, 0.1), 6),
                longitude=round(106.8 + self.rng.uniform(-0.1, 0.1), 6),
                address="Jl. Sudirman No. 1, Jakarta",
                name="Home",
            )
        elif kind == "contacts":
            content = copy.deepcopy(self.example["contacts"]["content"])
            content["contacts"] = [{"name": "Family contact", "phone_number": customer.phone[:-3]}]
        elif kind == "sticker":
            content = {"type": "sticker", "sticker": {"origin_url": "https://example.com/s.webp"}}
        else:  # a WhatsApp reaction to the robot's last message
            target = next(m for m in reversed(self.messages) if m["sender_type"] == "robot")
            content = {"type": "reaction", "reaction": {"msg_id": target["msg_id"], "emoji": "👍"}}
        self.add("user", content, gap=(20, 600))
        if kind != "reaction":
            self.text("robot", "Thank you, we have received it.", gap=(1, 5))


def _amount(rng: random.Random, workflow: DemoWorkflow, customer: DemoCustomer):
    """The amount a template names: what a collections customer owes, else an offer's."""
    offer = rng.randrange(5, 200) * 50_000
    return customer_debt(customer).owing if workflow.debt_collection else offer


def _in_days(days: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def _promise(rng: random.Random, customer: DemoCustomer, ended: date) -> tuple[dict, str]:
    """The slots of a promise made in a chat that ended on ``ended``, and what the customer wrote
    (in days from then: the same words whenever the demo is built)."""
    days = rng.choice([0, 1, 1, 2, 3, 3, 5, 7, 7, 10])
    owing = customer_debt(customer).owing
    amount = owing if rng.random() < 0.6 else share(owing, 2)
    written = f"{amount:,.0f}".replace(",", ".")
    slots = {"PTP_Date": (ended + timedelta(days=days)).isoformat(), "PTP_Amount": written}
    return slots, f"I will transfer Rp {written} {_in_days(days)}"


def _intention(rng: random.Random, workflow: DemoWorkflow, end_reason: str) -> str:
    if not workflow.debt_collection:
        return rng.choice(list(workflow.intentions))
    outcome = rng.choices(list(COLLECTIONS_OUTCOMES), weights=list(COLLECTIONS_OUTCOMES.values()))
    return NO_RESPONSE if end_reason == "expire" else outcome[0]


def _conversation(
    rng: random.Random,
    example: dict,
    index: int,
    workflow: DemoWorkflow,
    customer: DemoCustomer,
    ended: date,
) -> tuple[dict, list[dict], int]:
    """The fields and messages of one conversation that ended on ``ended`` (the account's local
    date), and its duration in seconds."""
    # The first conversations are fixed so that every end reason and every content type is shown.
    if index < len(END_REASONS):
        end_reason = END_REASONS[index]
    else:
        end_reason = rng.choices(END_REASONS, weights=[45, 20, 15, 15, 5])[0]
    forced = index - len(END_REASONS)
    extra = CUSTOMER_EXTRAS[forced] if 0 <= forced < len(CUSTOMER_EXTRAS) else None
    if extra is None and rng.random() < 0.35:
        extra = rng.choice(CUSTOMER_EXTRAS)
    if extra and end_reason == "expire":  # nobody answered an expired conversation
        end_reason = "robot"
    handed_over = end_reason == "agent" or (end_reason in ("robot", "user") and rng.random() < 0.2)
    intention = _intention(rng, workflow, end_reason)
    slots, promised = {}, ""
    if intention == "Promise_To_Pay":
        slots, promised = _promise(rng, customer, ended)
    elif not workflow.debt_collection and rng.random() < 0.5:
        slots = {"payment_date": f"D+{rng.randint(0, 7)}"}
    chat = _Conversation(rng, example)
    chat.system("conversation.start")
    template = chat.template(workflow, customer, "delivery" if end_reason == "expire" else "read")
    rounds = 0
    if end_reason == "expire":
        if rng.random() < 0.5:  # a reminder nobody read
            chat.text("robot", "Are you still there?", gap=(3600, 7200), status="delivery")
        chat.system("conversation.close", "")
        chat.elapsed += rng.randint(0, 60)
    else:
        buttons = template["content"]["template"]["content"]["button"]
        quick_replies = [button["text"] for button in buttons if button["type"] == "QUICK_REPLY"]
        chat.add("user", {"type": "button", "text": rng.choice(quick_replies)}, reply=template)
        chat.text("robot", "Thank you for your answer.", gap=(1, 4))
        rounds += 1
        chat.question("button" if index % 2 == 0 else "list")
        rounds += 1
        if index in (5, 6) or rng.random() < 0.3:
            chat.robot_media({5: "image", 6: "file"}.get(index) or rng.choice(["image", "file"]))
        if extra:
            chat.customer_extra(extra, customer)
            rounds += 1
        if index == 5 or promised or rng.random() < 0.5:
            text = _CUSTOMER_TEXTS[3] if index == 5 else promised or rng.choice(_CUSTOMER_TEXTS)
            chat.text("user", text, gap=(10, 300))
            if end_reason == "error":
                chat.text("robot", "Sorry, something went wrong on our side.", gap=(1, 5))
            else:
                chat.text("robot", "Noted, thank you!", gap=(1, 5))
            rounds += 1
        if handed_over:
            seat = f"seat-{rng.randint(100, 130)}"
            chat.system("conversation.take_over", seat)
            for text in rng.sample(_AGENT_TEXTS, rng.randint(1, 3)):
                chat.text("agent", text, gap=(5, 120))
            chat.text("user", rng.choice(["ok thanks", "bye", "Terima kasih"]), gap=(10, 300))
            chat.system("conversation.close", seat)
        else:
            if end_reason == "user":
                chat.text("user", "STOP", gap=(10, 300))
            chat.system("conversation.close", "")
    fields = {
        "workflow_id": workflow.workflow_id,
        "workflow_name": workflow.name,
        "nodetask_id": stable_id(workflow.workflow_id, "nodetask"),
        "nodetask_name": f"WABA Template1_{stable_id(workflow.workflow_id)[:6]}",
        "waba_task_id": stable_id(workflow.workflow_id, "waba"),
        "wfdetail_uuid": random_id(rng),
        "channel": "WhatsApp",
        "channel_id": BUSINESS_NUMBER,
        "callee": customer.phone,
        "call_id": random_id(rng),
        "robot_id": workflow.chatbot_id,
        "status": "closed",
        "session_end_reason": end_reason,
        "intention": intention,
        "talk_round": rounds,
        "ner_slots": slots,
        "event_label": {"EventLabel": "1"} if rng.random() < 0.5 else {},
        "variables": {
            "name": customer.name,
            "case_id": customer.case_id,
            "project": workflow.name,
        },
    }
    if workflow.debt_collection:
        debt = customer_debt(customer)
        fields["variables"].update(total_owing_amount=str(debt.owing), currency=debt.currency)
    return fields, chat.messages, chat.elapsed


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def demo_chat_payloads(
    *, now: datetime, count: int = GENERATED, tz: zoneinfo.ZoneInfo | None = None
) -> list[dict]:
    """AI Rudder's example, then ``count`` conversations that ended in the last 14 days.

    The same every time but for the times, which are placed relative to ``now`` (and the dates
    promised, relative to the day a conversation ended in the account's time zone ``tz``).
    """
    tz = tz or zoneinfo.ZoneInfo("UTC")
    example = account.load_example("chatbot_session_end")
    rng = random.Random(f"{account.DEMO_SEED}-chat")
    customers = account.demo_customers()
    now = now.replace(microsecond=0)
    payloads = [copy.deepcopy(example)]
    for index in range(count):
        workflow = account.WORKFLOWS[index % len(account.WORKFLOWS)]
        customer = rng.choice(customers)
        ended_ago = timedelta(seconds=rng.randint(600, DAYS * 86400 - 600))
        ended_at = now - ended_ago
        ended = ended_at.astimezone(tz).date()
        fields, messages, duration = _conversation(rng, example, index, workflow, customer, ended)
        started_at = ended_at - timedelta(seconds=duration)
        start = int(started_at.timestamp())
        for message in messages:
            message["timestamp"] += start
            if "reply" in message:
                message["reply"]["timestamp"] += start
        payloads.append(
            {
                **fields,
                "timestamp": int(ended_at.timestamp()) + rng.randint(2, 40),
                "session_start_time": _iso(started_at),
                "session_end_time": _iso(ended_at),
                "messages": messages,
            }
        )
    return payloads
