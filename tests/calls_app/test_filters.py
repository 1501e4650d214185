import pytest
from django.http import QueryDict

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from tests import outcomes_dataset
from tests.outcomes_dataset import CALL_CASES, query

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset


def _filtered(params) -> tuple[CallResultFilter, set[str]]:
    filterset = CallResultFilter(data=QueryDict(query(params)), queryset=CallResult.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset, set(filterset.qs.values_list("call_id", flat=True))


@pytest.mark.parametrize("case", CALL_CASES)
def test_each_parameter_selects_exactly_its_calls(dataset, case):
    params, predicate = CALL_CASES[case]
    _, found = _filtered(params)
    assert found == dataset.call_ids(predicate)


def test_dates_are_days_in_the_project_time_zone(dataset, settings):
    # 2025-04-14 20:00 UTC is the 15th at 03:00 in Jakarta.
    _, utc_day = _filtered({"date_from": "2025-04-15", "date_to": "2025-04-15"})
    settings.TIME_ZONE = "Asia/Jakarta"
    _, jakarta_day = _filtered({"date_from": "2025-04-15", "date_to": "2025-04-15"})
    assert "call-006" not in utc_day
    assert "call-006" in jakarta_day
    # And 2025-04-15 23:59:59 UTC has moved on to the 16th.
    assert "call-010" in utc_day
    assert "call-010" not in jakarta_day


def test_date_to_includes_its_whole_last_day(dataset):
    _, found = _filtered({"date_to": "2025-04-15"})
    assert "call-010" in found  # 23:59:59
    assert "call-011" not in found  # 00:00:00 the next day


def test_callee_matches_whole_numbers_only(dataset):
    assert _filtered({"callee": "+6281234569092"})[1] == {"call-001"}
    assert _filtered({"callee": "+628123456909"})[1] == set()
    assert _filtered({"callee": "9092"})[1] == set()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"date_from": "15/04/2025"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"answered": "maybe"}, "answered"),
    ],
)
def test_unreadable_values_are_errors_named_after_the_parameter(db, params, parameter):
    filterset = CallResultFilter(data=QueryDict(query(params)), queryset=CallResult.objects.all())
    assert not filterset.is_valid()
    assert list(filterset.errors) == [parameter]


@pytest.mark.parametrize("value", ["1", "yes", "True"])
def test_answered_accepts_the_usual_spellings_of_true(dataset, value):
    assert _filtered({"answered": value})[1] == dataset.call_ids(lambda s: s["answered"])


def test_empty_parameters_do_not_filter(dataset):
    empty = {name: "" for name in CallResultFilter.base_filters}
    assert _filtered(empty)[1] == dataset.call_ids(lambda s: True)
