import datetime as dt

import pytest
from django.http import QueryDict

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from records.filtering import (
    BLANK,
    admin_changelist_url,
    filter_params,
    query_string,
    with_params,
)
from records.phones import phone_key
from tests import outcomes_dataset
from tests.outcomes_dataset import CALL_CASES, query

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset


def _filterset(data) -> CallResultFilter:
    return CallResultFilter(data=data, queryset=CallResult.objects.all())


@pytest.mark.parametrize("case", CALL_CASES)
def test_parameters_read_back_from_a_filterset_select_the_same_calls(dataset, case):
    """What makes a dashboard link open the records it counts."""
    first = _filterset(QueryDict(query(CALL_CASES[case][0])))
    again = _filterset(QueryDict(query_string(filter_params(first))))
    assert set(again.qs) == set(first.qs)


def test_parameters_are_normalised(db):
    filterset = _filterset(
        QueryDict("answered=1&date_from=2025-04-01&intention=E&intention=F&robot_id=&case_id=%20")
    )
    assert filter_params(filterset) == {
        "date_from": ["2025-04-01"],
        "intention": ["E", "F"],
        "answered": ["true"],
    }


def test_an_invalid_filterset_gives_no_parameters(db):
    with pytest.raises(ValueError, match="date_from"):
        filter_params(_filterset(QueryDict("date_from=soon")))


def test_overrides_replace_drop_and_stand_for_blank_values():
    params = {"date_from": ["2025-04-01"], "intention": ["E"], "robot_id": ["1"]}
    assert with_params(
        params, intention="", robot_id=None, answered=False, date_to=dt.date(2025, 4, 2)
    ) == {
        "date_from": ["2025-04-01"],
        "intention": [BLANK],
        "answered": ["false"],
        "date_to": ["2025-04-02"],
    }
    assert params["intention"] == ["E"]


def test_query_strings_encode_the_plus_of_a_number():
    assert query_string({"callee": ["+6281234569092"]}) == "callee=%2B6281234569092"


def test_a_number_typed_without_its_plus_also_matches_with_it():
    assert phone_key(" 6281234569092 ") == phone_key("+6281234569092") == "6281234569092"
    assert phone_key("  ") == ""


@pytest.mark.django_db
def test_admin_links_point_at_the_models_changelist():
    url = admin_changelist_url(CallResult, {"intention": ["E"], "workflow_id": ["w 1"]})
    assert url == "/admin/calls_app/callresult/?intention=E&workflow_id=w+1"
    assert admin_changelist_url(CallResult) == "/admin/calls_app/callresult/"


def test_the_filter_form_keeps_every_value_of_a_repeated_parameter(db):
    html = str(_filterset(QueryDict("intention=E&intention=<F>")).form["intention"])
    assert html.count('name="intention"') == 2
    assert 'value="E"' in html and 'value="&lt;F&gt;"' in html
