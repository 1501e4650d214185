"""Customer details (phone numbers, names) shown only to those allowed to see them.

Everyone else sees them masked: ``+6289xxxxxxxx89092`` becomes ``+62•••••••••••9092`` and
``WILL SMITH`` becomes ``W••• S••••``. Masking happens where a value is shown (API, dashboard,
CSV, admin), never in the database, so filtering and searching by the full number still work for
users who only ever see it masked.

What counts as a customer detail: the number dialled or chatted with (``CallResult.callee_number``,
``contact_number``, ``Redial.callee_number``, ``ChatSession.callee``), the contact's name
(``CallResult.callee_name``, a chat's name variable), contacts a customer shares in a chat, and
any phone number or word of the customer's name inside free text (messages, transcripts,
variables, slots, custom attributes, answers): ``mask_free_text``, used by every surface. Not
masked: caller numbers and channel ids (the business's own lines).
"""

import copy
import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from django.conf import settings
from rest_framework import serializers

PERMISSION = "integrations.view_contact_details"
BULLET = "•"


def can_view_contact_details(user) -> bool:
    """Whether ``user`` sees customer details unmasked; anyone unknown sees them masked."""
    return bool(user is not None and user.is_active and user.has_perm(PERMISSION))


def mask_phone(value: Any) -> str:
    """Keep a leading ``+``, the first two digits (country code) and the last four.

    Short values keep less, so that masking never reveals most of a number.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    plus = "+" if text.startswith("+") else ""
    body = text[len(plus) :]
    head = 2 if len(body) >= 10 else 0
    tail = 4 if len(body) >= 8 else 2 if len(body) >= 5 else 0
    return plus + body[:head] + BULLET * (len(body) - head - tail) + body[len(body) - tail :]


def mask_name(value: Any) -> str:
    """Keep each word's first letter: ``WILL SMITH`` becomes ``W••• S••••``."""
    text = "" if value is None else str(value).strip()
    return " ".join(word[0] + BULLET * (len(word) - 1) for word in text.split())


_PHONE_KEYS = {"phone_number", "phone", "wa_id"}


def _mask_contact(contact: Any) -> Any:
    if not isinstance(contact, dict):
        return contact
    masked = {}
    for key, value in contact.items():
        if key in _PHONE_KEYS and isinstance(value, str | int):
            masked[key] = mask_phone(value)
        elif key == "name" and isinstance(value, str):
            masked[key] = mask_name(value)
        elif key == "name" and isinstance(value, dict):  # WhatsApp's {formatted_name, ...}
            masked[key] = {k: mask_name(v) if isinstance(v, str) else v for k, v in value.items()}
        elif key == "phones" and isinstance(value, list):
            masked[key] = [_mask_contact(phone) for phone in value]
        else:
            masked[key] = value
    return masked


def mask_chat_content(content: Any) -> Any:
    """A copy of a chat message's content with the contacts a customer shared masked.

    Other content types are returned as they are (the same object, not a copy).
    """
    if not isinstance(content, dict) or content.get("type") != "contacts":
        return content
    masked = copy.deepcopy(content)
    contacts = masked.get("contacts")
    if isinstance(contacts, list):
        masked["contacts"] = [_mask_contact(contact) for contact in contacts]
    return masked


# The fields of AI Rudder's payloads that hold a customer's number or name, wherever they are
# nested (``callee`` is the number in a chat notification, the contact object in a call push).
PAYLOAD_PHONE_KEYS = frozenset({"callee", "callee_number", "contact_number", *_PHONE_KEYS})
PAYLOAD_NAME_KEYS = frozenset({"callee_name"})
# The business's own lines and ids, kept in free text as in the columns.
BUSINESS_KEYS = frozenset({"caller_number", "channel_id"})
# Where a chat's variables (or a contact upload) carry the customer's name.
NAME_VARIABLES = frozenset(
    {"name", "callee_name", "customer_name", "contact_name", "full_name", "nama", "nama_lengkap"}
)


def customer_names(*values: Any) -> tuple[str, ...]:
    """The words of the customer's name in ``values`` (names, or mappings whose
    ``NAME_VARIABLES`` hold one), to mask wherever free text says them."""
    words = []
    for value in values:
        if isinstance(value, dict):
            value = " ".join(str(v) for k, v in value.items() if k in NAME_VARIABLES and v)
        if isinstance(value, str):
            words.extend(w for w in re.findall(r"[^\W\d_]+", value) if len(w) >= 2)
    return tuple(dict.fromkeys(words))


def record_customer_names(record: Any, lookups: Iterable[str]) -> tuple[str, ...]:
    """``customer_names`` of ``record`` at each lookup (``callee_name``, ``variables__name``,
    or ``variables`` for every name variable)."""
    values = []
    for lookup in lookups if record is not None else ():
        value = record
        for part in lookup.split("__"):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        values.append(value)
    return customer_names(*values)


def _phone_region() -> str:
    return (getattr(settings, "AIRUDDER_DEFAULT_PHONE_REGION", "") or "ID").upper()


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with each phone number in it (libphonenumber's matcher, 8 digits or more, so
    that amounts stay) and each word of ``names`` (whole, any case) masked."""
    if not text:
        return text
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, _phone_region()):
        if sum(c.isdigit() for c in match.raw_string) >= 8:
            spans.append((match.start, match.end, mask_phone(match.raw_string)))
    for start, end, masked in reversed(spans):
        text = text[:start] + masked + text[end:]
    words = sorted({w for w in names if w}, key=len, reverse=True)
    if words:
        pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)
        text = pattern.sub(lambda m: mask_name(m.group()), text)
    return text


def mask_free_text(value: Any, names: Iterable[str] = ()) -> Any:
    """A copy of ``value`` (text, or JSON at any depth) with every customer detail masked.

    The one rule of every surface (pages, API, CSV, raw bodies): the keys of customer numbers
    and names, shared contacts, and phone numbers and ``names`` inside any text.
    """
    names = tuple(names)
    if isinstance(value, str):
        return mask_text(value, names)
    if isinstance(value, list):
        return [mask_free_text(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    value = mask_chat_content(value)  # a message's or a reply's content: its contacts
    masked = {}
    for key, item in value.items():
        if key in PAYLOAD_PHONE_KEYS and isinstance(item, str | int) and not isinstance(item, bool):
            masked[key] = mask_phone(item)
        elif key in PAYLOAD_NAME_KEYS and isinstance(item, str):
            masked[key] = mask_name(item)
        elif key in BUSINESS_KEYS:
            masked[key] = item
        else:
            masked[key] = mask_free_text(item, names)
    return masked


def mask_payload(data: Any) -> Any:
    """A copy of a webhook payload with customers' numbers and names masked, at any depth
    (``mask_free_text``, with the names the payload itself gives)."""
    return mask_free_text(data, customer_names(*_payload_names(data)))


def _payload_names(data: Any) -> Iterable[Any]:
    if isinstance(data, list):
        for item in data:
            yield from _payload_names(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key in PAYLOAD_NAME_KEYS or (key == "variables" and isinstance(value, dict)):
                yield value
            else:
                yield from _payload_names(value)


def mask_phone_like(text: str) -> str:
    """Text (a body that is not JSON) with every phone number in it masked."""
    return mask_text(text)


# --- Django REST framework -------------------------------------------------------------------


def reveal_for_serializer(serializer: serializers.BaseSerializer) -> bool:
    """Decided once per response and kept in the shared context, so nested rows agree."""
    context = serializer.context
    if "reveal_contact_details" not in context:
        request = context.get("request")
        context["reveal_contact_details"] = can_view_contact_details(getattr(request, "user", None))
    return context["reveal_contact_details"]


class ContactDetailsMaskingMixin:
    """For serializers: mask ``phone_fields`` and ``name_fields`` unless the user may see them.

    Without a request in the context the values are masked: the safe side.
    """

    phone_fields: tuple[str, ...] = ()
    name_fields: tuple[str, ...] = ()
    # Free text and JSON (``mask_free_text``); ``name_lookups``: where the customer's name is,
    # kept in the shared context as ``customer_names`` for nested rows (messages, turns).
    text_fields: tuple[str, ...] = ()
    name_lookups: tuple[str, ...] = ()

    def to_representation(self, instance):
        if not reveal_for_serializer(self) and self.name_lookups:
            self.context["customer_names"] = record_customer_names(instance, self.name_lookups)
        data = super().to_representation(instance)
        if reveal_for_serializer(self):
            return data
        names = self.context.get("customer_names", ())
        for name in self.text_fields:
            if name in data:
                data[name] = mask_free_text(data[name], names)
        for name in self.phone_fields:
            if data.get(name):
                data[name] = mask_phone(data[name])
        for name in self.name_fields:
            if data.get(name):
                data[name] = mask_name(data[name])
        return data
