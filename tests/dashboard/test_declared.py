"""What a record kind's declaration gives every reading surface: a dimension is a group of the
API, a split of the dashboard and the rollups; a measure is in every row and its tables."""

from collections import Counter, defaultdict
from statistics import mean

import pytest

from dashboard import rollups
from tests.outcomes_dataset import dataset, manager  # noqa: F401

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2025-01-01", "date_to": "2026-06-30"}


def _outcomes(client, **params):
    response = client.get("/api/outcomes/", {"kind": "calls", **PERIOD, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _table(client, key):
    response = client.get("/dashboard/", PERIOD)
    assert response.status_code == 200
    tables = {t.key: t for s in response.context["sections"] for t in s.tables}
    return tables[key]


def test_calls_group_and_split_by_ring_type(client, dataset, manager):  # noqa: F811
    client.force_login(manager)
    expected = Counter(spec["ring_type"] for spec in dataset.calls if spec["start"])
    for _ in range(2):  # from the records, then from the rollups
        rows = _outcomes(client, group_by="ring_type")
        assert {row["ring_type"]: row["count"] for row in rows} == dict(expected)
        busy = next(row for row in rows if row["ring_type"] == "busy")
        assert "ring_type=busy" in busy["records"]
        table = _table(client, "call-ring-types")
        assert {row[0].value: row[1].value for row in table.rows} == dict(expected)
        rollups.roll_pending()


def test_average_talk_time_by_workflow(client, dataset, manager):  # noqa: F811
    client.force_login(manager)
    talk = defaultdict(list)
    for spec in dataset.calls:
        if spec["start"] and spec["answered"]:
            talk[spec["workflow"]].append(spec["talk"])
    expected = {workflow: mean(seconds) for workflow, seconds in talk.items()}
    for _ in range(2):  # from the records, then from the rollups
        rows = _outcomes(client, group_by="workflow")
        assert {
            row["workflow_id"]: row["average_talk_seconds"]
            for row in rows
            if row["average_talk_seconds"] is not None
        } == pytest.approx(expected)
        table = _table(client, "call-workflows")
        column = table.headers.index("Average talk time")
        shown = {row[0].value: row[column].value for row in table.rows}
        assert {w: v for w, v in shown.items() if v is not None} == pytest.approx(expected)
        assert all("answered=true" in row[column].url for row in table.rows)
        rollups.roll_pending()
