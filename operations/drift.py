"""Payload drift: the fields (and enum values) AI Rudder sends that the app does not know.

Recorded after processing, one row per kind and path, never a customer's value
(``docs/design-notes.md``).
"""

import json
import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from integrations import kinds
from integrations.models import PayloadDrift
from integrations.signals import events_processed

logger = logging.getLogger(__name__)

# A hostile or broken payload with thousands of new keys must not cost thousands of writes.
MAX_PATHS_PER_EVENT = 50
MAX_PATH_LENGTH = 200
_ENUM_VALUE = re.compile(r"^[\w.\-]{1,40}$")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Drift:
    path: str
    json_type: str
    example: str


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _example(value) -> str:
    """What an operator may see of a value: never a string's text."""
    if isinstance(value, str):
        return f"{len(value)} characters"
    if isinstance(value, dict):
        return f"{len(value)} keys"
    if isinstance(value, list):
        return f"{len(value)} items"
    return json.dumps(value)[:40]


def _clean(path: str) -> str:
    return _UNSTORABLE.sub("?", path)[:MAX_PATH_LENGTH]


def payload_drift_find(kind: kinds.EventKind, payload: dict) -> list[Drift]:
    """The paths of ``payload`` outside ``kind``'s declaration, each once (first occurrence).

    Below an unknown path nothing more is reported: ``messages[].content.reaction`` is one
    entry, not one per key of the reaction. Below a free-form path (``variables.*``) nothing is.
    """
    known = kind.known_fields
    if not known:
        return []
    free_form = {path[:-2] for path in known if path.endswith(".*")}
    values = kind.known_values
    found: dict[str, Drift] = {}

    def walk(value, path: str) -> None:
        if len(found) >= MAX_PATHS_PER_EVENT:
            return
        if isinstance(value, dict):
            if path in free_form:
                return
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if child in known:
                    walk(item, child)
                elif child not in found and len(found) < MAX_PATHS_PER_EVENT:
                    found[child] = Drift(_clean(child), _json_type(item), _example(item))
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")
        elif path in values and value is not None and str(value) not in values[path]:
            text = str(value)
            shown = text if isinstance(value, str) and _ENUM_VALUE.match(text) else "?"
            entry = f"{path}={shown}"
            if entry not in found:
                found[entry] = Drift(_clean(entry), _json_type(value), "")

    walk(payload, "")
    return list(found.values())


def _upsert(kind: str, drift: Drift, now, event_id: int | None) -> None:
    seen = PayloadDrift.objects.filter(kind=kind, path=drift.path)
    changes = {
        "count": F("count") + 1,
        "last_seen_at": now,
        "json_type": drift.json_type,
        "example": drift.example,
        "last_event_id": event_id,
    }
    if seen.update(**changes):
        return
    try:
        with transaction.atomic():
            PayloadDrift.objects.create(
                kind=kind,
                path=drift.path,
                json_type=drift.json_type,
                example=drift.example,
                first_seen_at=now,
                last_seen_at=now,
                last_event_id=event_id,
            )
    except IntegrityError:  # another worker recorded it first
        seen.update(**changes)


def payload_drift_record(*, kind: str, payload: dict, event_id: int | None = None) -> list[Drift]:
    """Record the drift of one processed payload; returns what was recorded."""
    try:
        declared = kinds.get(kind)
    except kinds.UnknownEventKind:
        return []
    drifts = payload_drift_find(declared, payload)
    now = timezone.now()
    for drift in drifts:
        _upsert(kind, drift, now, event_id)
    return drifts


def _on_processed(sender, *, kind: str, events: list, **kwargs) -> None:
    """After a successful process: never raises, a drift record must not fail an event."""
    for event_id, payload in events:
        try:
            if kinds.get(kind).known_fields:
                payload_drift_record(kind=kind, payload=payload, event_id=event_id)
        except Exception:
            logger.exception(
                "The payload drift of webhook event %s could not be recorded", event_id
            )


def connect() -> None:
    """From ``OperationsConfig.ready()``: every processed payload is checked, already parsed."""
    events_processed.connect(_on_processed, dispatch_uid="operations.drift")
