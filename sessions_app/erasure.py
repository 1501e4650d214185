"""A customer's chat sessions, for erasure: their sessions (with their messages), and the
customer as a contact shared in other customers' chats (that contact, and replies quoting it,
become ``{"erased": true}``)."""

from typing import Any

from django.db.models import Q

from records.erasure import ErasurePart, written_from
from records.phones import phone_key, phone_match

from .content import content_plain_text
from .models import ChatMessage, ChatSession

SCAN_BATCH = 100  # messages read at a time while looking for shared contacts


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


def chat_sessions_erasure(key: str) -> ErasurePart:
    sessions = ChatSession.objects.filter(phone_match(key, ChatSession.PHONE_KEY_FIELDS))
    session_ids = list(sessions.values_list("pk", flat=True))
    events = written_from(ChatSession.objects.filter(pk__in=session_ids))
    shared = _shared_contacts(key, session_ids)

    def apply() -> None:
        ChatMessage.objects.bulk_update(shared, ["content", "reply", "text"])
        ChatSession.objects.filter(pk__in=session_ids).delete()

    return ErasurePart(
        counts={
            "chat sessions": len(session_ids),
            "chat messages": ChatMessage.objects.filter(session__in=session_ids).count(),
            "contacts shared in other chats": len(shared),
        },
        events=events,
        apply=apply,
    )
