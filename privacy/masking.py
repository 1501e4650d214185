"""Customer details (phone numbers, names) shown only to those allowed to see them.

Everyone else sees them masked: ``+6289xxxxxxxx89092`` becomes ``+62•••••••••••9092`` and
``WILL SMITH`` becomes ``W••• S••••``. Masking happens where a value is shown (API, dashboard,
CSV, admin), never in the database, so filtering and searching by the full number still work for
users who only ever see it masked.

What counts as a customer detail: the number dialled or chatted with (``CallResult.callee_number``,
``contact_number``, ``Redial.callee_number``, ``ChatSession.callee``), the contact's name
(``CallResult.callee_name``) and contacts a customer shares in a chat (names and numbers inside a
``contacts`` message). Not masked: caller numbers and channel ids (the business's own lines),
and free-form data configured per workflow (variables, slots, ``extra``), whose keys say nothing
reliable about what they hold.
"""

import copy
import re
from typing import Any

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
# In a body that is not JSON, anything that reads as a phone number: 6 digits or more, spaced.
_PHONE_LIKE = re.compile(r"\+?\d(?:[\s\-().]?\d){5,}")


def mask_payload(data: Any) -> Any:
    """A copy of a webhook payload with customers' numbers and names masked, at any depth.

    Masks ``PAYLOAD_PHONE_KEYS`` (the callee, the dialled and uploaded numbers, redials' callee
    numbers, numbers in shared contacts), ``PAYLOAD_NAME_KEYS`` and shared contacts' names;
    keeps caller numbers and channel ids, and free-form data as every other surface does.
    """
    if isinstance(data, list):
        return [mask_payload(item) for item in data]
    if not isinstance(data, dict):
        return data
    data = mask_chat_content(data)  # a message's or a reply's content: its contacts
    masked = {}
    for key, value in data.items():
        if (
            key in PAYLOAD_PHONE_KEYS
            and isinstance(value, str | int)
            and not isinstance(value, bool)
        ):
            masked[key] = mask_phone(value)
        elif key in PAYLOAD_NAME_KEYS and isinstance(value, str):
            masked[key] = mask_name(value)
        else:
            masked[key] = mask_payload(value)
    return masked


def mask_phone_like(text: str) -> str:
    """Text (a body that is not JSON) with every run that reads as a phone number masked."""
    return _PHONE_LIKE.sub(lambda match: mask_phone(match.group()), text)


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

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if reveal_for_serializer(self):
            return data
        for name in self.phone_fields:
            if data.get(name):
                data[name] = mask_phone(data[name])
        for name in self.name_fields:
            if data.get(name):
                data[name] = mask_name(data[name])
        return data
