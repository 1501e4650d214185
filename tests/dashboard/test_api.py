"""``/api/outcomes/``: counts grouped in the database, under the same filters as the lists."""

from collections import Counter

import pytest

from tests import outcomes_dataset
from tests.outcomes_dataset import (
    CASES,
    W1,
    kind_cases,
    local_day,
    query,
    session_moment,
    user_with,
)

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager


def _outcomes(client, **params):
    return client.get(f"/api/outcomes/?{query(params)}")


def test_calls_by_workflow_and_intention(client, dataset, manager):
    client.force_login(manager)
    response = _outcomes(client, kind="calls", group_by="workflow,intention")
    assert response.status_code == 200
    body = response.json()
    counted = {(row["workflow_id"], row["intention"]): row["count"] for row in body["results"]}
    assert counted == Counter((s["workflow"], s["intention"]) for s in dataset.calls)
    assert body["total"] == len(dataset.calls)
    names = {row["workflow_id"]: row["workflow_name"] for row in body["results"]}
    assert names[W1] == "Collections"


def test_answered_counts_ride_along(client, dataset, manager):
    client.force_login(manager)
    rows = _outcomes(client, kind="calls", group_by="hangup_type").json()["results"]
    answered = {row["hangup_type"]: row["answered_count"] for row in rows}
    expected = Counter(s["hangup_type"] for s in dataset.calls if s["answered"])
    assert answered == {key: expected.get(key, 0) for key in answered}


def test_sessions_by_end_reason_and_day(client, dataset, manager, settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    client.force_login(manager)
    rows = _outcomes(client, kind="sessions", group_by="end_reason,day").json()["results"]
    counted = {(row["end_reason"], row["day"]): row["count"] for row in rows}
    expected = Counter(
        (s["end_reason"], str(local_day(session_moment(s))) if s["end"] else None)
        for s in dataset.sessions
    )
    assert counted == expected


@pytest.mark.parametrize(("kind", "case"), kind_cases())
def test_filters_count_the_same_records_as_the_list(client, dataset, manager, kind, case):
    params, predicate = CASES[kind][case]
    client.force_login(manager)
    body = _outcomes(client, kind=kind, **params).json()
    assert body["total"] == len(dataset.ids(kind, predicate))


def test_each_row_links_to_exactly_its_records(client, dataset, manager):
    client.force_login(manager)
    body = _outcomes(
        client, kind="calls", group_by="workflow,intention,day", date_from="2025-04-10"
    ).json()
    assert body["results"]
    for row in body["results"]:
        listed = client.get(row["records"].removeprefix("http://testserver")).json()["results"]
        assert len(listed) == row["count"], row


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "kind"),
        ({"kind": "emails"}, "kind"),
        ({"kind": "calls", "group_by": "end_reason"}, "group_by"),
        ({"kind": "sessions", "group_by": "hangup_type"}, "group_by"),
        ({"kind": "calls", "group_by": "intention,intention"}, "group_by"),
        ({"kind": "calls", "date_to": "tomorrow"}, "date_to"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, dataset, manager, params, parameter):
    client.force_login(manager)
    response = _outcomes(client, **params)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_needs_the_dashboard_permission(client, dataset):
    client.force_login(user_with("support", "calls_app.view_callresult"))
    assert _outcomes(client, kind="calls").status_code == 403


def test_needs_the_view_permission_of_its_kind(client, dataset):
    client.force_login(
        user_with("calls-manager", "dashboard.view_dashboard", "calls_app.view_callresult")
    )
    assert _outcomes(client, kind="calls").status_code == 200
    assert _outcomes(client, kind="sessions").status_code == 403


def test_anonymous_is_refused(client, dataset):
    assert _outcomes(client, kind="calls").status_code in (401, 403)
