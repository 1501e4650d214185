"""Property test: any field of AI Rudder's examples replaced by any JSON value.

Hypothesis picks a field anywhere in either example (a leaf, an object or an array) and a value
of any JSON type (text with any character, huge or negative numbers, NaN, nested objects), and
delivers the body through the real webhook URL. Whatever it is: the answer is 200 or 400, the
delivery is stored, and the event is processed or failed with an error that names a field,
never a traceback; the event's page answers below 500.
"""

import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.models import WebhookEvent
from tests.fuzz.test_hostile_corpus import EXAMPLES, FIELD_ERROR, _with

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PATHS = {kind: [p for p in _paths(example) if p] for kind, example in EXAMPLES.items()}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_infinity=True, allow_nan=True)
    | st.text(st.characters(codec="utf-8"), max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated_bodies(draw):
    kind = draw(st.sampled_from(sorted(EXAMPLES)))
    path = draw(st.sampled_from(PATHS[kind]))
    return kind, json.dumps(_with(kind, path, draw(JSON_VALUES))).encode()


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated_bodies())
def test_any_field_with_any_value_is_stored_and_answered(deliver, admin_client, case):
    kind, body = case
    with transaction.atomic():
        response = deliver(kind, body, HTTP_X_AIRUDDER_SIGN="")

        assert response.status_code in (200, 400), response.content
        event = WebhookEvent.objects.get()
        assert bytes(event.body) == body
        assert event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.FAILED)
        if event.status == WebhookEvent.Status.FAILED:
            assert FIELD_ERROR.match(event.error), event.error
            assert event.traceback == "", event.traceback
        page = admin_client.get(f"/admin/integrations/webhookevent/{event.pk}/change/")
        assert page.status_code < 500
        transaction.set_rollback(True)
