"""The chatbot session end kind's dedup key: a retry shares it, a later notification of the
same conversation does not."""

import pytest

from sessions_app.kinds import CHATBOT_SESSION_END


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"call_id": "c-1", "timestamp": 1710147506}, "c-1@1710147506"),
        ({"call_id": "c-1", "timestamp": "2024-03-11T08:58:26Z"}, "c-1@2024-03-11T08:58:26Z"),
        ({"call_id": "c-1"}, "c-1@"),
        ({"call_id": "c-1", "timestamp": None}, "c-1@"),
        ({"call_id": "", "timestamp": 1710147506}, ""),  # no id: the body's digest instead
        ({"call_id": None, "timestamp": 1710147506}, ""),
        ({"timestamp": 1710147506}, ""),
    ],
)
def test_a_notification_is_keyed_by_its_conversation_and_its_time(payload, key):
    assert CHATBOT_SESSION_END.dedup_key(payload) == key
