"""When to call: outcomes by hour of day and weekday, in the API and as the dashboard's
heatmap, from the records and from the rollups."""

from collections import Counter

import pytest

from dashboard import rollups
from tests.outcomes_dataset import call_moment, dataset, local_day, manager  # noqa: F401

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2025-01-01", "date_to": "2026-06-30"}


def _local(spec):
    from django.utils import timezone

    moment = call_moment(spec)
    return timezone.localtime(moment, timezone.get_default_timezone()) if moment else None


def test_api_groups_calls_by_hour_and_weekday(client, dataset, manager):  # noqa: F811
    client.force_login(manager)
    moments = [_local(spec) for spec in dataset.calls if spec["start"]]
    hours = Counter(moment.hour for moment in moments)
    weekdays = Counter(moment.isoweekday() for moment in moments)
    for _ in range(2):  # from the records, then from the rollups
        by_hour = client.get("/api/outcomes/", {"kind": "calls", "group_by": "hour", **PERIOD})
        rows = by_hour.json()["results"]
        assert {row["hour"]: row["count"] for row in rows} == dict(hours)
        assert all(isinstance(row["hour"], int) and 0 <= row["hour"] <= 23 for row in rows)
        first = rows[0]
        listed = client.get(first["records"]).json()["results"]
        assert len(listed) == first["count"]
        by_day = client.get("/api/outcomes/", {"kind": "calls", "group_by": "weekday", **PERIOD})
        assert {r["weekday"]: r["count"] for r in by_day.json()["results"]} == dict(weekdays)
        rollups.roll_pending()


def test_the_dashboard_shows_a_heatmap_whose_cells_open_their_calls(client, dataset, manager):  # noqa: F811
    client.force_login(manager)
    page = client.get("/dashboard/", PERIOD)
    tables = {t.key: t for s in page.context["sections"] for t in s.tables}
    heatmap = tables["call-hours"]
    assert len(heatmap.rows) == 7 and len(heatmap.headers) == 25
    filled = [cell for row in heatmap.rows for cell in row[1:] if cell.url]
    assert sum(int(cell.hint.split()[0]) for cell in filled) == sum(
        1 for spec in dataset.calls if spec["start"]
    )
    assert all("weekday=" in cell.url and "hour=" in cell.url for cell in filled)
    assert 'class="num dash-heat"' in page.content.decode()
