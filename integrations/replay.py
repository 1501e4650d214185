"""Processing an event again, and saying what that changed in the records it is about.

Support staff process an event again after a fix (a corrected time zone, a new release): the
answer they need is "what did that change?". The event's kind says what its records look like
(``EventKind.snapshot``); the difference before and after is kept on the event and shown on its
page. Kinds without a snapshot are processed again all the same, with no difference to show.
"""

from dataclasses import dataclass

from integrations import kinds
from integrations.models import WebhookEvent
from integrations.services import webhook_body_parse, webhook_event_process

MAX_CHANGES = 200


@dataclass(frozen=True)
class Replay:
    event: WebhookEvent
    changes: list[list[str]]


def _snapshot(kind: str, payload: dict | None) -> dict[str, str]:
    try:
        snapshot = kinds.get(kind).snapshot
    except kinds.UnknownEventKind:
        return {}
    if snapshot is None or payload is None:
        return {}
    try:
        return snapshot(payload)
    except (TypeError, ValueError, AttributeError):  # a payload too broken to name its records
        return {}


def changes_between(before: dict[str, str], after: dict[str, str]) -> list[list[str]]:
    """``[label, before, after]`` for each label whose text differs; "" for one that is absent."""
    labels = list(before) + [label for label in after if label not in before]
    return [
        [label, before.get(label, ""), after.get(label, "")]
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ][:MAX_CHANGES]


def webhook_event_replay(*, event_id: int) -> Replay:
    """Process the event again (whatever its status) and record what changed."""
    event = WebhookEvent.objects.get(pk=event_id)
    payload, _ = webhook_body_parse(bytes(event.body))  # once: before, processing, after
    before = _snapshot(event.kind, payload)
    event = webhook_event_process(event_id=event_id, force=True, payload=payload)
    changes = changes_between(before, _snapshot(event.kind, payload))
    WebhookEvent.objects.filter(pk=event_id).update(replay_changes=changes)
    event.replay_changes = changes
    return Replay(event=event, changes=changes)
