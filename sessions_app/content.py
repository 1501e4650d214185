"""One reader of WhatsApp message contents: a content dict in, a typed ``Content`` out.

The admin lays a ``Content`` out (``rendering``, its ``template``), and the plain text stored for
search and export (``content_plain_text``) is written from the same ``Content``, so what staff
see and what they can search for never disagree. A URL is only ever kept as a link once it is
known to be http(s). Content that cannot be read as its type says (an unknown type, a known type
in an unexpected shape) is read generically: its type, its JSON, and every text it holds, so
nothing AI Rudder sends is hidden or unsearchable.
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

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


@dataclass(frozen=True)
class Link:
    """A text that links to ``url`` only when ``url`` is set, i.e. an http(s) address."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Content:
    """One message content as read: its type, its layout and the plain values it holds.

    ``layout`` names how it is shown and written as text (``text``, ``media``, ``template``, …,
    ``generic``); ``data`` holds plain strings, lists of them, and ``Link``s.
    """

    type: str
    layout: str
    data: dict = field(default_factory=dict)

    @property
    def template(self) -> str:
        """The include that lays it out in the admin."""
        return f"sessions_app/content/{self.layout}.html"


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


def as_text(value: Any) -> str:
    """A JSON value as text: strings as they are, anything else as compact JSON."""
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


def _strings(data: Any) -> Iterator[str]:
    """Every non-empty string in ``data``, except the ``type`` keys."""
    if isinstance(data, str):
        if data:
            yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != "type":
                yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def _generic(content: Any) -> Content:
    type_name = as_text(content.get("type")) if isinstance(content, dict) else ""
    return Content(
        type=type_name,
        layout="generic",
        data={
            "type": type_name or "unknown",
            "pretty": pretty_json(content),
            "strings": list(_strings(content)),
        },
    )


def _media_link(media: dict, fallback: str) -> Link:
    url = as_text(media.get("origin_url") or media.get("url") or media.get("link"))
    name = as_text(media.get("name") or media.get("filename"))
    return Link(text=name or url or fallback, url=safe_url(url))


# Each reader returns the values of its layout, or ``None`` when the content does not hold
# what its type promises (then it is read generically).


def _read_text(content: dict) -> dict | None:
    text = as_text(content.get("text"))
    return {"text": text} if text else None


def _read_media(content: dict) -> dict | None:
    type_name = content.get("type")
    media = _object(content.get("media")) or _object(content.get(type_name))
    if not media:
        return None
    label = MEDIA_TYPES.get(type_name, as_text(type_name).capitalize())
    return {
        "label": label,
        "link": _media_link(media, label),
        "name": as_text(media.get("name") or media.get("filename")),
        "url": as_text(media.get("origin_url") or media.get("url") or media.get("link")),
        "caption": as_text(media.get("caption")),
    }


def _read_template(content: dict) -> dict | None:
    template = _object(content.get("template"))
    body = _object(template.get("content"))
    if not body:
        return None
    header = _object(body.get("header"))
    header_type = as_text(header.get("type"))
    media = _object(header.get("media"))
    info = _object(template.get("info"))
    return {
        "header_text": as_text(header.get("text")),
        "header_label": MEDIA_TYPES.get(header_type, header_type.capitalize()),
        "header_link": _media_link(media, header_type or "media") if media else None,
        "body": as_text(body.get("body")),
        "footer": as_text(body.get("footer")),
        "buttons": [
            {"text": as_text(button.get("text")), "type": as_text(button.get("type"))}
            for button in _objects(body.get("button") or body.get("buttons"))
        ],
        "name": as_text(info.get("name")),
        "language": as_text(info.get("language")),
        "channel": as_text(template.get("type")),
    }


def _part_text(interactive: dict, key: str) -> str:
    part = interactive.get(key)
    return as_text(part.get("text")) if isinstance(part, dict) else as_text(part)


def _read_interactive(content: dict) -> dict | None:
    if "interactive" not in content and "text" in content:
        return {"choice": as_text(content.get("text"))}
    interactive = _object(content.get("interactive"))
    action = _object(interactive.get("action"))
    buttons = [
        as_text(_object(button.get("reply")).get("title") or button.get("title"))
        for button in _objects(action.get("buttons"))
    ]
    sections = [
        {
            "title": as_text(section.get("title")),
            "rows": [
                {"title": as_text(row.get("title")), "description": as_text(row.get("description"))}
                for row in _objects(section.get("rows"))
            ],
        }
        for section in _objects(action.get("sections"))
    ]
    body = _part_text(interactive, "body")
    if not (body or buttons or sections):
        return None
    return {
        "kind": as_text(interactive.get("type")),
        "header": _part_text(interactive, "header"),
        "body": body,
        "footer": _part_text(interactive, "footer"),
        "buttons": buttons,
        "list_button": as_text(action.get("button")),
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
        "name": as_text(location.get("name")),
        "address": as_text(location.get("address")),
        "coordinates": f"{as_text(location.get('latitude'))}, {as_text(location.get('longitude'))}",
        "map": Link(
            text="Open map",
            url=f"https://www.openstreetmap.org/?{query}#map=16/{latitude}/{longitude}",
        ),
    }


def _contact_phones(contact: dict) -> list[str]:
    phones = [as_text(contact.get("phone_number") or contact.get("phone"))]
    phones += [
        as_text(phone.get("phone") or phone.get("wa_id"))
        for phone in _objects(contact.get("phones"))
    ]
    return [phone for phone in phones if phone]


def _read_contacts(content: dict) -> dict | None:
    contacts = _objects(content.get("contacts"))
    if not contacts:
        return None
    return {
        "contacts": [
            {
                "name": as_text(
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
    event = as_text(system.get("type"))
    if not event:
        return None
    return {
        "event": event,
        "label": SYSTEM_EVENTS.get(event, event),
        "from_seat": as_text(system.get("from_seat_id")),
        "to_seat": as_text(system.get("to_seat_id")),
    }


# type -> (layout, reader)
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


def read_content(content: Any) -> Content:
    """One message content as read; anything unexpected is read generically."""
    if not isinstance(content, dict):
        return _generic(content)
    type_name = content.get("type")
    layout, reader = (
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
    return Content(type=type_name, layout=layout, data=data)


# --- plain text, for search and export ----------------------------------------------------------


def _lines(*values: str) -> str:
    return "\n".join(value for value in values if value)


def _options(values) -> str:
    return " | ".join(value for value in values if value)


def _template_text(data: dict) -> str:
    header = data["header_text"] or (data["header_link"].text if data["header_link"] else "")
    buttons = _options(button["text"] for button in data["buttons"])
    return _lines(header, data["body"], data["footer"], buttons)


def _interactive_text(data: dict) -> str:
    if "choice" in data:  # the customer's choice
        return data["choice"]
    rows = [row["title"] for section in data["sections"] for row in section["rows"]]
    options = _options([*data["buttons"], *rows])
    return _lines(data["header"], data["body"], data["footer"], options)


def _contacts_text(data: dict) -> str:
    people = (" ".join([c["name"], *c["phones"]]).strip() for c in data["contacts"])
    return _lines(*people)


PLAIN_TEXTS: dict[str, Callable[[dict], str]] = {
    "text": lambda data: data["text"],
    "button": lambda data: data["text"],
    "media": lambda data: _lines(data["name"], data["caption"], data["url"]),
    "template": _template_text,
    "interactive": _interactive_text,
    "location": lambda data: _lines(data["name"], data["address"], data["coordinates"]),
    "contacts": _contacts_text,
    "system": lambda data: _lines(data["event"], data["to_seat"]),
    "generic": lambda data: " ".join(data["strings"]),
}


def content_plain_text(content: Any) -> str:
    """The text of a message content, as stored for search and export (``ChatMessage.text``)."""
    if not isinstance(content, dict):
        return "" if content is None else str(content)
    read = read_content(content)
    return PLAIN_TEXTS[read.layout](read.data).strip()
