"""Erasure on request: everything held about one customer, found by their phone number, removed.

The right to erasure (GDPR art. 17, Indonesia's PDP law art. 8 and 43, the Philippines' Data
Privacy Act sec. 16(e)). One number, written any way (``records.phones.phone_key``), finds

- the call results whose dialled or uploaded number it is (with their transcripts, answers,
  redials and node pushes), and other calls' redials that dialled it,
- the chat sessions with it (with their messages), and the customer as a contact shared in
  other customers' chats (that contact, and replies quoting it, become ``{"erased": true}``),
- the raw deliveries (``WebhookEvent``) those records were written from, and every other
  delivery whose body holds the number (the body is scanned in batches, so the number is found
  in deliveries that failed, or that named it elsewhere).

``customer_erase`` removes them in one transaction and leaves an audit entry that holds no
personal data: the counts, and a salted hash of the number's key (``subject_hash``), with which
a later request for the same number can be recognised without the number being kept.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from calls_app.models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn
from integrations.models import WebhookEvent
from privacy.audit import Action, audit_record
from records.phones import phone_key, phone_match
from sessions_app.content import content_plain_text
from sessions_app.models import ChatMessage, ChatSession

# Fewer digits than this could be part of anyone's number: refused rather than over-erased.
MIN_KEY_LENGTH = 6
# Bodies read at a time while scanning (each at most AIRUDDER_MAX_BODY_BYTES, usually a few kB).
SCAN_BATCH = 100
# What may separate the digits of a number in a body: spacing, dashes, brackets, dots, a "+".
_SEPARATORS = re.compile(rb"[\s\-().+]")


class ErasureError(ValueError):
    """The number cannot name one customer (too short, or no digits at all)."""


@dataclass
class ErasureReport:
    """What was (or, on a dry run, would be) removed, per kind; never the number itself."""

    subject_hash: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"subject_hash": self.subject_hash, "dry_run": self.dry_run, "counts": self.counts}


def subject_hash(key: str) -> str:
    """A salted (``SECRET_KEY``) digest of a phone key: the same number gives the same hash."""
    secret = f"customer-erasure:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def _body_pattern(key: str) -> re.Pattern:
    """The key's characters in a body with separators stripped, not inside a longer number."""
    return re.compile(rb"(?<![0-9])" + re.escape(key.encode()) + rb"(?![0-9])", re.IGNORECASE)


def events_mentioning(key: str, *, batch: int = SCAN_BATCH) -> set[int]:
    """Ids of the deliveries whose body holds the number, read ``batch`` bodies at a time."""
    pattern = _body_pattern(key)
    found: set[int] = set()
    last = 0
    while True:
        rows = list(
            WebhookEvent.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "body")[:batch]
        )
        if not rows:
            return found
        for pk, body in rows:
            if pattern.search(_SEPARATORS.sub(b"", bytes(body)).lower()):
                found.add(pk)
        last = rows[-1][0]


_CONTACT_PHONE_KEYS = ("phone_number", "phone", "wa_id")


def _is_the_customer(contact: Any, key: str) -> bool:
    """A shared contact (``{name, phone_number}`` or WhatsApp's ``{name: {...}, phones: [...]}``)
    with the number among its phones."""
    if not isinstance(contact, dict):
        return False
    phones = [contact, *(p for p in contact.get("phones") or [] if isinstance(p, dict))]
    return any(
        isinstance(phone.get(name), str | int) and phone_key(str(phone[name])) == key
        for phone in phones
        for name in _CONTACT_PHONE_KEYS
    )


def _without_the_customer(content: Any, key: str) -> Any:
    """``content`` with the contacts that are the customer replaced by ``{"erased": true}``, or
    ``None`` when it has none."""
    if not isinstance(content, dict) or not isinstance(content.get("contacts"), list):
        return None
    contacts = content["contacts"]
    if not any(_is_the_customer(contact, key) for contact in contacts):
        return None
    kept = [{"erased": True} if _is_the_customer(c, key) else c for c in contacts]
    return {**content, "contacts": kept}


def _shared_contacts(key: str, session_ids: list[int]) -> list[ChatMessage]:
    """Messages of other customers' sessions that share, or quote, the customer as a contact;
    returned with the contact erased from them, unsaved."""
    candidates = (
        ChatMessage.objects.exclude(session__in=session_ids)
        .filter(Q(content_type="contacts") | Q(reply__isnull=False))
        .only("pk", "content", "reply", "text")
    )
    changed = []
    for message in candidates.iterator(chunk_size=SCAN_BATCH):
        content = _without_the_customer(message.content, key)
        reply = message.reply
        quoted = (
            _without_the_customer(reply.get("content"), key) if isinstance(reply, dict) else None
        )
        if content is None and quoted is None:
            continue
        if content is not None:
            message.content = content
            message.text = content_plain_text(content)
        if quoted is not None:
            message.reply = {**reply, "content": quoted}
        changed.append(message)
    return changed


def customer_key(phone: str) -> str:
    key = phone_key(phone)
    if sum(character.isdigit() for character in key) < MIN_KEY_LENGTH:
        raise ErasureError(
            f"a phone number needs at least {MIN_KEY_LENGTH} digits to name one customer"
        )
    return key


def customer_erase(
    *, phone: str, dry_run: bool = False, user=None, request=None, username: str = ""
) -> ErasureReport:
    """Remove everything held about the customer with number ``phone``; see the module."""
    key = customer_key(phone)
    report = ErasureReport(subject_hash=subject_hash(key), dry_run=dry_run)
    with transaction.atomic():
        calls = CallResult.objects.filter(phone_match(key, CallResult.PHONE_KEY_FIELDS))
        sessions = ChatSession.objects.filter(phone_match(key, ChatSession.PHONE_KEY_FIELDS))
        call_ids = list(calls.values_list("pk", flat=True))
        session_ids = list(sessions.values_list("pk", flat=True))
        event_ids = events_mentioning(key)
        event_ids |= set(
            CallResult.objects.filter(pk__in=call_ids, event__isnull=False).values_list(
                "event_id", flat=True
            )
        )
        event_ids |= set(
            NodePush.objects.filter(call__in=call_ids, event__isnull=False).values_list(
                "event_id", flat=True
            )
        )
        event_ids |= set(
            ChatSession.objects.filter(pk__in=session_ids, event__isnull=False).values_list(
                "event_id", flat=True
            )
        )
        # An earlier attempt that dialled the number, in another customer's call (a contact's
        # second number): that attempt goes, the call stays.
        other_redials = [
            redial.pk
            for redial in Redial.objects.exclude(call__in=call_ids)
            .filter(callee_number__iendswith=key[-4:])
            .only("pk", "callee_number")
            if phone_key(redial.callee_number) == key
        ]
        shared = _shared_contacts(key, session_ids)
        report.counts = {
            "call results": len(call_ids),
            "transcript turns": TranscriptTurn.objects.filter(call__in=call_ids).count(),
            "call answers": CallAnswer.objects.filter(call__in=call_ids).count(),
            "redials": Redial.objects.filter(call__in=call_ids).count() + len(other_redials),
            "node pushes": NodePush.objects.filter(call__in=call_ids).count(),
            "chat sessions": len(session_ids),
            "chat messages": ChatMessage.objects.filter(session__in=session_ids).count(),
            "webhook events": len(event_ids),
            "contacts shared in other chats": len(shared),
        }
        if dry_run:
            return report
        CallResult.objects.filter(pk__in=call_ids).delete()
        Redial.objects.filter(pk__in=other_redials).delete()
        ChatMessage.objects.bulk_update(shared, ["content", "reply", "text"])
        ChatSession.objects.filter(pk__in=session_ids).delete()
        WebhookEvent.objects.filter(Q(pk__in=event_ids)).delete()
        audit_record(
            user=user,
            action=Action.ERASE_CUSTOMER,
            label=f"customer {report.subject_hash[:12]}: {report.total} rows",
            request=request,
            details=report.as_dict(),
            username=username,
        )
    return report
