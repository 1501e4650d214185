"""Hostile values delivered through the real webhook URLs: stored, then failed naming a field."""

import pytest

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult
from integrations.models import WebhookEvent
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT, CALL = CHATBOT_SESSION_END.slug, CALL_RESULT.slug
pytestmark = pytest.mark.django_db


def _failed_event(field: str) -> WebhookEvent:
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED
    assert event.error.startswith(f"{field}: "), event.error
    assert event.traceback == ""
    return event


@pytest.mark.parametrize("key", ["session_start_time", "session_end_time"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_session_time_python_cannot_put_in_utc_is_not_stored(
    deliver, chat_payload, admin_client, key, value
):
    chat_payload[key] = value

    assert deliver(CHAT, chat_payload, HTTP_X_AIRUDDER_SIGN="").status_code == 200

    _failed_event(key)
    assert not ChatSession.objects.exists()
    assert admin_client.get("/api/sessions/").status_code == 200
    assert admin_client.get("/admin/sessions_app/chatsession/").status_code == 200


def test_call_time_out_of_range_is_not_stored(deliver, call_payload):
    call_payload["call"]["call_end_time"] = "9999-12-31 23:59:59"

    assert deliver(CALL, call_payload).status_code == 200

    _failed_event("call.call_end_time")
    assert not CallResult.objects.exists()
