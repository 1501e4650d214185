"""The registry of webhook event kinds: one declaration per kind of AI Rudder notification.

The inbox (views, services, admin, schema, tests) reads this registry and never imports a domain
app. Each domain app declares the kinds it turns into records, in its ``AppConfig.ready()``::

    kinds.register(EventKind(slug="chatbot_session_end", url_path="chatbot-session-end", ...))

Adding a notification of AI Rudder's (call completion, WABA message status, …) is one such
declaration plus the domain code that records it; nothing in the inbox changes.
"""

import json
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from records.payloads import PayloadError


class UnknownEventKind(LookupError):
    """A kind no app declares: recorded on the event that carries it, never dropped."""


@dataclass(frozen=True)
class InboundEvent:
    """What a processor gets of a stored event: its payload and the account's context.

    Processors take this rather than the event row, so that the domain services they call depend
    on explicit values (``payload``, ``received_at``, ``tz``), not on the inbox's tables.
    """

    event_id: int | None
    payload: dict
    received_at: datetime
    tz: zoneinfo.ZoneInfo
    # The account's country (ISO 3166 alpha-2): local numbers' country for their phone keys.
    phone_region: str = ""
    # The endpoint (AI Rudder account) it was delivered to: records keep it, to scope who sees them.
    endpoint_id: int | None = None

    def arguments(self, *extra: str) -> dict:
        """What a kind's services take: the body, its event and account, and ``extra`` fields."""
        names = ("payload", "event_id", "phone_region", "endpoint_id", *extra)
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class EventKind:
    """One kind of notification: where it arrives, what makes a retry, and who records it.

    - ``slug``: stored on each event (``WebhookEvent.kind``); never change it once deployed.
    - ``url_path``: the last segment of the webhook URL given to AI Rudder.
    - ``dedup_key``: from the payload, the key AI Rudder's retries of one notification share;
      ``""`` when the payload has none (the body's digest is used instead).
    - ``signed``: whether ``X-AIRudder-Sign`` is checked when the endpoint has a signing secret.
      AI Rudder signs chatbot notifications but not its API node's data pushes.
    - ``process``: records an ``InboundEvent``; raises ``PayloadError`` naming the field when
      the payload cannot be read.
    - ``process_many`` (optional): records several ``InboundEvent`` at once, in their order, with
      multi-row statements; returns ``{event_id: PayloadError}`` for those it could not read
      and writes the others. Batches of a kind without it go through ``process`` one by one.
    - ``example``: AI Rudder's documented example body (a JSON file), for the API schema, the
      demo and the tests.
    - ``known_fields``: the dotted paths (``[]`` for list items) the app knows; a path ending in
      ``.*`` is a free-form object (customer-configured) whose keys are never drift. Fields
      outside it are recorded as payload drift (``operations.drift``); empty means no check.
    - ``known_values``: for enum fields (same paths), the values the app knows; another value
      is recorded as drift ``path=value``.
    """

    slug: str
    url_path: str
    label: str
    dedup_key: Callable[[dict], str]
    process: Callable[[InboundEvent], Any]
    example: Path
    signed: bool = False
    description: str = ""
    # What the records a payload is about look like now, as ``{"label": "text"}``, so that
    # processing an event again can show what it changed. No customer numbers or names in it.
    snapshot: Callable[[dict], dict[str, str]] | None = None
    known_fields: frozenset[str] = frozenset()
    known_values: dict[str, frozenset[str]] = field(default_factory=dict, hash=False)
    process_many: Callable[[list[InboundEvent]], dict[int, Exception]] | None = None

    @property
    def url_name(self) -> str:
        return f"integrations:{self.url_path}"

    @cached_property
    def example_payload(self) -> dict:
        return json.loads(self.example.read_text(encoding="utf-8"))


_REGISTRY: dict[str, EventKind] = {}


def register(kind: EventKind) -> EventKind:
    """Declare ``kind``; declaring the same slug or URL twice is a programming error."""
    clash = next(
        (k for k in _REGISTRY.values() if k.url_path == kind.url_path and k.slug != kind.slug),
        None,
    )
    if clash or (kind.slug in _REGISTRY and _REGISTRY[kind.slug] != kind):
        raise ValueError(f"event kind {kind.slug!r} ({kind.url_path}) is declared twice")
    _REGISTRY[kind.slug] = kind
    return kind


def get(slug: str) -> EventKind:
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise UnknownEventKind(f"no app declares the event kind {slug!r}") from None


def all_kinds() -> Iterator[EventKind]:
    yield from _REGISTRY.values()


def choices() -> list[tuple[str, str]]:
    """``WebhookEvent.kind``'s choices (a callable, so that migrations do not list the kinds)."""
    return [(kind.slug, kind.label) for kind in _REGISTRY.values()]


def example_fields(payload: dict) -> frozenset[str]:
    """Every dotted path of ``payload`` (``[]`` for list items): a kind's known fields from its
    documented example body."""
    found: set[str] = set()

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                found.add(child)
                walk(item, child)
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    walk(payload, "")
    return frozenset(found)


def read_each(inbounds, read: Callable[[InboundEvent], Any]) -> tuple[list, dict[int, Exception]]:
    """``read`` of every inbound event, in order, and the ``PayloadError`` of each that could
    not be read, by event id: one bad payload fails alone, the others are written together."""
    reads, errors = [], {}
    for inbound in inbounds:
        try:
            reads.append(read(inbound))
        except PayloadError as exc:
            errors[inbound.event_id] = exc
    return reads, errors
