import pytest
from django.http import QueryDict

from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession
from tests import outcomes_dataset
from tests.outcomes_dataset import SESSION_CASES, query

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset


def _found(params) -> set[str]:
    filterset = ChatSessionFilter(data=QueryDict(query(params)), queryset=ChatSession.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("call_id", flat=True))


@pytest.mark.parametrize("case", SESSION_CASES)
def test_each_parameter_selects_exactly_its_sessions(dataset, case):
    params, predicate = SESSION_CASES[case]
    assert _found(params) == dataset.session_ids(predicate)


def test_dates_are_days_of_the_end_in_the_project_time_zone(dataset, settings):
    # chat-004 ended 2025-04-14 20:30 UTC, the 15th in Jakarta.
    assert "chat-004" not in _found({"date_from": "2025-04-15", "date_to": "2025-04-15"})
    settings.TIME_ZONE = "Asia/Jakarta"
    assert "chat-004" in _found({"date_from": "2025-04-15", "date_to": "2025-04-15"})


def test_hand_over_counts_an_agent_ending_the_session(dataset):
    assert {"chat-002", "chat-008"} <= _found({"handed_over": "true"})


def test_unreadable_hand_over_is_an_error(db):
    filterset = ChatSessionFilter(data=QueryDict("handed_over=perhaps"))
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["handed_over"]
