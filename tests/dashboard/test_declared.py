"""What a record kind's declaration gives every reading surface: a dimension is a group of the
API, a split of the dashboard and the rollups; a measure is in every row and its tables."""

from collections import Counter

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
