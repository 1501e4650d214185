"""The call result kind's dedup key: what makes two pushes one notification retried."""

import pytest

from calls_app.kinds import CALL_RESULT


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"call": {"call_id": "c-1"}, "node_id": "n-7"}, "c-1@n-7"),  # each API node's push
        ({"call": {"call_id": "c-1"}}, "c-1@"),  # a workflow with one node sends none
        ({"call": {"call_id": "c-1"}, "node_id": None}, "c-1@"),
        ({"call": {"call_id": "c-1"}, "node_id": ""}, "c-1@"),
        ({"call": {"call_id": ""}, "node_id": "n-7"}, ""),  # no id: the body's digest instead
        ({"call": {}, "node_id": "n-7"}, ""),
        ({"call": "c-1", "node_id": "n-7"}, ""),  # not an object: read nothing from it
        ({"call": None}, ""),
        ({"call_id": "c-1", "node_id": "n-7"}, ""),  # the id belongs inside ``call``
        ({}, ""),
    ],
)
def test_a_push_is_keyed_by_its_call_and_its_api_node(payload, key):
    assert CALL_RESULT.dedup_key(payload) == key
