"""What the admin shows of a chat session: its transcript and its key/value data, ready to lay out.

The templates only place what these functions return. Every value here is plain text, escaped by
the templates, and a URL is only ever offered as a link once it is known to be http(s): customer
content decides neither markup nor link targets. Content that cannot be read as its type says is
shown generically (its type and its JSON), so nothing AI Rudder sends is hidden from support staff.
"""

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from integrations.privacy import mask_chat_content

from .models import ChatMessage

SPEAKERS = {
    ChatMessage.SenderType.USER: "Customer",
    ChatMessage.SenderType.ROBOT: "Robot",
    ChatMessage.SenderType.CHATBOT: "Chatbot",
    ChatMessage.SenderType.AGENT: "Agent",
    ChatMessage.SenderType.SYSTEM: "System",
}

SYSTEM_EVENTS = {
    "conversation.start": "Conversation started",
    "conversation.take_over": "Taken over by an agent",
    "conversation.close": "Conversation closed",
}

MEDIA_TYPES = {
    "image": "Image",
    "file": "File",
    "document": "Document",
    "video": "Video",
    "audio": "Audio",
    "sticker": "Sticker",
}

CONTENT_TEMPLATE = "sessions_app/content/{}.html"


@dataclass(frozen=True)
class Link:
    """A text that links to ``url`` only when ``url`` is set, i.e. an http(s) address."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Content:
    """One message content: the include that lays it out and the plain values it shows."""

    type: str
    template: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    speaker: str
    content: Content
    anchor: str | None = None


@dataclass(frozen=True)
class TranscriptEntry:
    position: int
    anchor: str
    side: str
    css_class: str
    speaker: str
    sent_at: datetime | None
    status: str
    content: Content
    quote: Quote | None = None


def safe_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else ``None`` (never a link)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _object(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def _generic(content: Any) -> Content:
    type_name = _text(content.get("type")) if isinstance(content, dict) else ""
    return Content(
        type=type_name,
        template=CONTENT_TEMPLATE.format("generic"),
        data={"type": type_name or "unknown", "pretty": pretty_json(content)},
    )


def _media_link(media: dict, fallback: str) -> Link:
    url = _text(media.get("origin_url") or media.get("url") or media.get("link"))
    name = _text(media.get("name") or media.get("filename"))
    return Link(text=name or url or fallback, url=safe_url(url))


# Each reader returns the values its template shows, or ``None`` when the content does not hold
# what its type promises (then it is shown generically).


def _read_text(content: dict) -> dict | None:
    text = _text(content.get("text"))
    return {"text": text} if text else None


def _read_media(content: dict) -> dict | None:
    type_name = content.get("type")
    media = _object(content.get("media")) or _object(content.get(type_name))
    if not media:
        return None
    label = MEDIA_TYPES.get(type_name, _text(type_name).capitalize())
    return {
        "label": label,
        "link": _media_link(media, label),
        "caption": _text(media.get("caption")),
    }


def _read_template(content: dict) -> dict | None:
    template = _object(content.get("template"))
    body = _object(template.get("content"))
    if not body:
        return None
    header = _object(body.get("header"))
    header_type = _text(header.get("type"))
    media = _object(header.get("media"))
    info = _object(template.get("info"))
    return {
        "header_text": _text(header.get("text")),
        "header_label": MEDIA_TYPES.get(header_type, header_type.capitalize()),
        "header_link": _media_link(media, header_type or "media") if media else None,
        "body": _text(body.get("body")),
        "footer": _text(body.get("footer")),
        "buttons": [
            {"text": _text(button.get("text")), "type": _text(button.get("type"))}
            for button in _objects(body.get("button") or body.get("buttons"))
        ],
        "name": _text(info.get("name")),
        "language": _text(info.get("language")),
        "channel": _text(template.get("type")),
    }


def _part_text(interactive: dict, key: str) -> str:
    part = interactive.get(key)
    return _text(part.get("text")) if isinstance(part, dict) else _text(part)


def _read_interactive(content: dict) -> dict | None:
    if "interactive" not in content and "text" in content:
        return {"choice": _text(content.get("text"))}
    interactive = _object(content.get("interactive"))
    action = _object(interactive.get("action"))
    buttons = [
        _text(_object(button.get("reply")).get("title") or button.get("title"))
        for button in _objects(action.get("buttons"))
    ]
    sections = [
        {
            "title": _text(section.get("title")),
            "rows": [
                {"title": _text(row.get("title")), "description": _text(row.get("description"))}
                for row in _objects(section.get("rows"))
            ],
        }
        for section in _objects(action.get("sections"))
    ]
    body = _part_text(interactive, "body")
    if not (body or buttons or sections):
        return None
    return {
        "kind": _text(interactive.get("type")),
        "header": _part_text(interactive, "header"),
        "body": body,
        "footer": _part_text(interactive, "footer"),
        "buttons": buttons,
        "list_button": _text(action.get("button")),
        "sections": sections,
    }


def _coordinate(value: Any, limit: float) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


def _read_location(content: dict) -> dict | None:
    location = _object(content.get("location"))
    latitude = _coordinate(location.get("latitude"), 90)
    longitude = _coordinate(location.get("longitude"), 180)
    if latitude is None or longitude is None:
        return None
    query = urlencode({"mlat": latitude, "mlon": longitude})
    return {
        "name": _text(location.get("name")),
        "address": _text(location.get("address")),
        "coordinates": f"{_text(location.get('latitude'))}, {_text(location.get('longitude'))}",
        "map": Link(
            text="Open map",
            url=f"https://www.openstreetmap.org/?{query}#map=16/{latitude}/{longitude}",
        ),
    }


def _contact_phones(contact: dict) -> list[str]:
    phones = [_text(contact.get("phone_number") or contact.get("phone"))]
    phones += [
        _text(phone.get("phone") or phone.get("wa_id")) for phone in _objects(contact.get("phones"))
    ]
    return [phone for phone in phones if phone]


def _read_contacts(content: dict) -> dict | None:
    contacts = _objects(content.get("contacts"))
    if not contacts:
        return None
    return {
        "contacts": [
            {
                "name": _text(
                    contact["name"].get("formatted_name")
                    if isinstance(contact.get("name"), dict)
                    else contact.get("name")
                ),
                "phones": _contact_phones(contact),
            }
            for contact in contacts
        ]
    }


def _read_system(content: dict) -> dict | None:
    system = _object(content.get("system"))
    event = _text(system.get("type"))
    if not event:
        return None
    return {
        "event": event,
        "label": SYSTEM_EVENTS.get(event, event),
        "from_seat": _text(system.get("from_seat_id")),
        "to_seat": _text(system.get("to_seat_id")),
    }


READERS: dict[str, tuple[str, Callable[[dict], dict | None]]] = {
    "text": ("text", _read_text),
    "button": ("button", _read_text),
    "template": ("template", _read_template),
    "interactive": ("interactive", _read_interactive),
    "location": ("location", _read_location),
    "contacts": ("contacts", _read_contacts),
    "system": ("system", _read_system),
    **{media_type: ("media", _read_media) for media_type in MEDIA_TYPES},
}


def content_view(content: Any) -> Content:
    """How one message content is shown; anything unexpected is shown generically."""
    if not isinstance(content, dict):
        return _generic(content)
    type_name = content.get("type")
    template_name, reader = (
        READERS.get(type_name, (None, None)) if isinstance(type_name, str) else (None, None)
    )
    if reader is None:
        return _generic(content)
    try:
        data = reader(content)
    except (AttributeError, KeyError, TypeError, ValueError):
        data = None
    if data is None:
        return _generic(content)
    return Content(type=type_name, template=CONTENT_TEMPLATE.format(template_name), data=data)


def speaker(sender_type: str) -> str:
    return SPEAKERS.get(sender_type, sender_type.capitalize() if sender_type else "Unknown sender")


def _anchor(position: int) -> str:
    return f"message-{position}"


def transcript(messages: Iterable[ChatMessage], *, reveal: bool = False) -> list[TranscriptEntry]:
    """The messages in payload order, each with who speaks, its content, and what it quotes.

    Contacts a customer shares are customer details: unless ``reveal`` (the viewer may see them)
    they are masked, in the messages and in the replies quoting them. Masked by default, the
    safe side for a caller that forgets to decide.
    """
    shown = (lambda content: content) if reveal else mask_chat_content
    messages = sorted(messages, key=lambda message: message.position)
    positions = {message.pk: message.position for message in messages}
    entries = []
    for message in messages:
        quote = None
        if isinstance(message.reply, dict):
            target = positions.get(message.reply_to_id)
            quote = Quote(
                speaker=speaker(_text(message.reply.get("sender_type"))),
                content=content_view(shown(message.reply.get("content"))),
                anchor=_anchor(target) if target is not None else None,
            )
        known = message.sender_type in SPEAKERS
        entries.append(
            TranscriptEntry(
                position=message.position,
                anchor=_anchor(message.position),
                side=message.side,
                css_class=f"chat-{message.sender_type}" if known else "chat-other",
                speaker=speaker(message.sender_type),
                sent_at=message.sent_at,
                status=message.status,
                content=content_view(shown(message.content)),
                quote=quote,
            )
        )
    return entries


def key_values(mapping: Any) -> list[tuple[str, str]]:
    """Rows of a key/value table; nested values are shown as compact JSON."""
    if not isinstance(mapping, dict):
        return [] if mapping in (None, "") else [("", _text(mapping))]
    return [(_text(key), _text(value)) for key, value in mapping.items()]
