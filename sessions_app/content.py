"""Plain-text renderings of WhatsApp message contents, for search, lists and export.

Content types the spec does not list fall back to the text found anywhere in the content, so a new
type is searchable and never dropped.
"""

from collections.abc import Callable, Iterator
from typing import Any


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _lines(*values: Any) -> str:
    return "\n".join(str(value) for value in values if value not in (None, "", [], {}))


def _strings(data: Any) -> Iterator[str]:
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


def _generic(content: dict) -> str:
    return " ".join(_strings(content))


def _text(content: dict) -> str:
    return content.get("text") or _generic(content)


def _media(content: dict) -> str:
    media = _get(content, "media") or _get(content, content.get("type")) or {}
    return _lines(_get(media, "name"), _get(media, "caption"), _get(media, "origin_url"))


def _template(content: dict) -> str:
    body = _get(content, "template", "content") or {}
    header = body.get("header") if isinstance(body.get("header"), dict) else {}
    buttons = body.get("button") if isinstance(body.get("button"), list) else []
    return _lines(
        header.get("text") or _get(header, "media", "origin_url"),
        body.get("body"),
        body.get("footer"),
        " | ".join(str(_get(b, "text") or "") for b in buttons),
    )


def _interactive(content: dict) -> str:
    if "text" in content:  # the customer's choice
        return str(content["text"])
    interactive = content.get("interactive") or {}
    action = interactive.get("action") if isinstance(interactive.get("action"), dict) else {}
    options = [_get(button, "reply", "title") for button in action.get("buttons") or []]
    for section in action.get("sections") or []:
        options.extend(_get(row, "title") for row in _get(section, "rows") or [])
    return _lines(
        _get(interactive, "header", "text"),
        _get(interactive, "body", "text"),
        _get(interactive, "footer", "text"),
        " | ".join(str(option) for option in options if option),
    )


def _location(content: dict) -> str:
    location = content.get("location") or {}
    coordinates = f"{location.get('latitude')}, {location.get('longitude')}"
    return _lines(location.get("name"), location.get("address"), coordinates)


def _contacts(content: dict) -> str:
    contacts = content.get("contacts") if isinstance(content.get("contacts"), list) else []
    return _lines(*(f"{_get(c, 'name') or ''} {_get(c, 'phone_number') or ''}" for c in contacts))


def _system(content: dict) -> str:
    system = content.get("system") or {}
    return _lines(system.get("type"), system.get("to_seat_id"))


RENDERERS: dict[str, Callable[[dict], str]] = {
    "text": _text,
    "button": _text,
    "template": _template,
    "interactive": _interactive,
    "image": _media,
    "file": _media,
    "video": _media,
    "audio": _media,
    "document": _media,
    "sticker": _media,
    "location": _location,
    "contacts": _contacts,
    "system": _system,
}


def content_plain_text(content: Any) -> str:
    if not isinstance(content, dict):
        return "" if content is None else str(content)
    try:
        return RENDERERS.get(content.get("type"), _generic)(content).strip()
    except (AttributeError, TypeError):
        # A known type in an unexpected shape: keep whatever text it holds.
        return _generic(content)
