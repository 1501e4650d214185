import json
from datetime import UTC, datetime

import pytest

from calls_app.kinds import CALL_RESULT
from integrations.models import WebhookEvent
from integrations.services import webhook_dedup_key

CALL = CALL_RESULT.slug


@pytest.fixture
def stored_push(endpoint):
    """Store a push as the webhook would, unprocessed; ``received_at`` orders pushes in time."""

    def _store(payload: dict, *, received_at: datetime | None = None) -> WebhookEvent:
        body = json.dumps(payload).encode()
        when = received_at or datetime(2024, 3, 11, 9, 0, tzinfo=UTC)
        return WebhookEvent.objects.create(
            endpoint=endpoint,
            kind=CALL,
            body=body,
            received_at=when,
            last_received_at=when,
            dedup_key=webhook_dedup_key(kind=CALL, payload=payload, body=body),
        )

    return _store


@pytest.fixture
def in_zone(endpoint):
    """Set the endpoint's (the AI Rudder account's) time zone."""

    def _set(name: str):
        endpoint.timezone = name
        endpoint.save(update_fields=["timezone"])
        return endpoint

    return _set
