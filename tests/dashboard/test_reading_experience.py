"""The dashboard reads at a glance: changes coloured by whether they are good, an empty period
says so instead of tables of zeros, and no date makes it fail."""

import pytest

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from dashboard.tables import Cell, comparisons
from tests import outcomes_dataset

dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager

WEEK = {"date_from": "2025-04-10", "date_to": "2025-04-16"}


def test_changes_are_good_or_bad_by_what_the_measure_wants():
    before = [Cell(0.5), Cell(0.5), Cell(0.5), Cell(None)]
    current = [(0.7, "rate", "higher"), (0.7, "rate", "lower"), (0.7, "rate", ""), (1, "rate", "")]
    moved = comparisons(current, before, "last week")
    assert [(c.direction, c.tone) for c in moved] == [
        ("up", "good"),
        ("up", "bad"),
        ("up", "neutral"),
        ("", "neutral"),
    ]
    assert moved[0].arrow and not moved[3].arrow


def test_the_page_colours_the_answered_rate_by_its_direction(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/dashboard/", {"date_from": "2025-04-13", "date_to": "2025-04-15"})
    calls = next(s for s in response.context["sections"] if s.key == "calls")
    now, compared = calls.numbers[1].value, calls.comparison[1]
    before = compared.previous.value
    assert now is not None and before is not None and now != before
    assert compared.tone == ("good" if now > before else "bad")
    assert f'class="dash-change dash-{compared.tone}"' in response.content.decode()


def test_an_empty_period_says_so_instead_of_tables(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/dashboard/", {"date_from": "2020-01-01", "date_to": "2020-01-31"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No calls in this period." in page and "No chat sessions in this period." in page
    assert 'id="table-call-daily"' not in page


@pytest.mark.parametrize("date_from", ["0001-01-01", "0001-01-02"])
def test_a_date_with_nothing_before_it_is_a_400_naming_date_from(client, db, manager, date_from):
    client.force_login(manager)
    response = client.get("/dashboard/", {"date_from": date_from})
    assert response.status_code == 400
    assert "date_from" in response.context["errors"]


def test_the_dashboard_filters_by_intention(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/dashboard/", {**WEEK, "intention": "E"})
    assert response.status_code == 200
    calls = next(s for s in response.context["sections"] if s.key == "calls")
    listed = CallResultFilter(data={**WEEK, "intention": "E"}, queryset=CallResult.objects.all())
    assert calls.total == listed.qs.count() > 0
    assert calls.total < CallResultFilter(data=WEEK, queryset=CallResult.objects.all()).qs.count()
    assert "intention=E" in calls.numbers[0].url
    page = response.content.decode()
    assert '<option value="E" selected>E</option>' in page
    assert "Intention: E" in page  # the chip that removes it
