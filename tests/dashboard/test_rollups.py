"""The dashboard's daily rollups give exactly the numbers of counting the records, before and
after a record of a rolled day changes, and are used only where they are exact."""

import copy
import datetime as dt
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from calls_app.services import call_result_record
from dashboard import rollups
from dashboard.models import OutcomeDay, RolledDay
from dashboard.params import dashboard_filters
from records import reading
from tests import outcomes_dataset
from tests.outcomes_dataset import CALLS, W1, W2, call_payload_for

pytestmark = pytest.mark.django_db

CALLS_KIND, SESSIONS_KIND = reading.get("calls"), reading.get("sessions")

dataset = outcomes_dataset.dataset


@pytest.fixture(scope="session")
def rolled_rows(dataset_rows, django_db_blocker) -> outcomes_dataset.Rows:
    """The dataset's rows and the rollups ``roll_pending`` writes for it, recorded once per test
    process (rolling them took a second per test)."""

    def record():
        outcomes_dataset.rows_insert(dataset_rows)
        rollups.roll_pending()

    with django_db_blocker.unblock():
        return outcomes_dataset.rows_recorded(record)


@pytest.fixture
def rolled(db, rolled_rows) -> outcomes_dataset.Dataset:
    """The dataset with its past days rolled, as ``rollups.roll_pending()`` leaves them."""
    outcomes_dataset.rows_insert(rolled_rows)
    return outcomes_dataset.Dataset(calls=CALLS, sessions=outcomes_dataset.SESSIONS)


PERIOD = {"date_from": "2025-01-01", "date_to": "2026-06-30"}
CASES = [
    {},
    {"workflow_id": W1},
    {"workflow_id": [W1, W2]},
    {"robot_id": "4496"},
    {"date_from": "2025-04-10", "date_to": "2025-04-11"},
]


def filters(**params):
    data = QueryDict(mutable=True)
    for name, value in {**PERIOD, **params}.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    filtered = {kind.key: filterset for kind, filterset in dashboard_filters(data)}
    assert all(filterset.is_valid() for filterset in filtered.values())
    return filtered


def groups(kind) -> list[list[str]]:
    rolled = [[d.key] for d in kind.rolled_dimensions]
    heatmap = ["weekday", "hour"]
    return [[], ["workflow"], ["workflow", "intention"], ["day", "workflow"], heatmap, *rolled]


def counted_from_records(kind, filterset) -> dict:
    records = filterset.qs
    return {
        "summary": kind.summary(records),
        **{str(group): kind.count(records, group) for group in groups(kind)},
        "daily": kind.daily(records),
    }


def counted_by_facts(kind, filterset) -> dict:
    facts = rollups.Facts(kind, filterset)
    return {
        "summary": facts.summary(),
        **{str(group): facts.count(group) for group in groups(kind)},
        "daily": facts.daily(),
    }


def same(left: dict, right: dict) -> bool:
    """Equal, with averages compared to the cent and rows in any order of equal counts."""

    def norm(value):
        if isinstance(value, float):
            return round(value, 6)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=repr)
        return value

    return norm(left) == norm(right)


def test_rolled_numbers_are_those_of_the_records(dataset):
    rolled = rollups.roll_pending()
    assert rolled["calls"] > 0 and rolled["sessions"] > 0
    for params in CASES:  # one roll for every case (a second each)
        for kind in reading.all_kinds():
            filterset = filters(**params)[kind.key]
            facts = rollups.Facts(kind, filterset)
            assert facts._rolled_runs(), ("the rollups are used", params)
            assert not facts.records.exists(), ("no record is counted from the table", params)
            assert same(counted_by_facts(kind, filterset), counted_from_records(kind, filterset)), (
                params
            )


def test_the_rolled_fixture_is_what_roll_pending_leaves(rolled):
    """What the other tests start from (``rolled``): nothing is left to roll."""
    assert not any(rollups.roll_pending().values())


def test_a_record_changed_after_its_day_was_rolled_is_counted_as_it_is_now(
    rolled, django_capture_on_commit_callbacks
):
    spec = next(spec for spec in CALLS if spec["intention"] == "E" and spec["start"])
    payload = copy.deepcopy(call_payload_for(spec))
    payload["call"]["intention"] = "Z"  # AI Rudder pushes the call again, relabelled
    with django_capture_on_commit_callbacks(execute=True):
        call_result_record(payload=payload)
    day = rollups._day_of(CallResult.objects.get(call_id=spec["call_id"]).started_at)

    assert RolledDay.objects.get(kind="calls", day=day).dirty
    filterset = filters()["calls"]
    counted = counted_by_facts(CALLS_KIND, filterset)
    assert same(counted, counted_from_records(CALLS_KIND, filterset))
    assert any(row["intention"] == "Z" for row in counted["['workflow', 'intention']"])

    rollups.roll_pending()  # rolled again: clean, and still the same numbers
    assert not RolledDay.objects.get(kind="calls", day=day).dirty
    assert same(counted_by_facts(CALLS_KIND, filterset), counted)


def test_a_deleted_record_is_no_longer_counted(rolled, django_capture_on_commit_callbacks):
    call = CallResult.objects.exclude(started_at=None).first()
    with django_capture_on_commit_callbacks(execute=True):
        call.delete()

    filterset = filters()["calls"]
    counted = counted_by_facts(CALLS_KIND, filterset)
    assert (
        counted["summary"]["total"]
        == CallResult.objects.filter(pk__in=filterset.qs.values("pk")).count()
    )
    assert same(counted, counted_from_records(CALLS_KIND, filterset))


def test_writes_to_today_mark_nothing_and_others_only_after_commit(
    dataset, django_capture_on_commit_callbacks
):
    today, yesterday = rollups._today(), rollups._today() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rollups.mark_dirty(CALLS_KIND, [today])
        assert not callbacks
        rollups.mark_dirty(CALLS_KIND, [yesterday])
        assert not RolledDay.objects.filter(day=yesterday).exists()  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert RolledDay.objects.get(kind="calls", day=yesterday).dirty


def test_other_filters_open_periods_and_other_time_zones_count_the_records(rolled):
    by_two_splits = CallResultFilter(
        data={**PERIOD, "intention": "E", "hangup_type": "ByCallee"},
        queryset=CallResult.objects.all(),
    )
    assert by_two_splits.is_valid()
    assert not rollups.Facts(CALLS_KIND, by_two_splits)._rolled_runs()
    assert same(
        counted_by_facts(CALLS_KIND, by_two_splits),
        counted_from_records(CALLS_KIND, by_two_splits),
    )
    open_period = filters(date_from="", date_to="")["calls"]
    assert rollups.Facts(CALLS_KIND, open_period)._rolled_runs()
    assert same(
        counted_by_facts(CALLS_KIND, open_period),
        counted_from_records(CALLS_KIND, open_period),
    )
    with override_settings(TIME_ZONE="America/New_York"):
        assert not rollups.Facts(CALLS_KIND, filters()["calls"])._rolled_runs()
        assert rollups.pending_days(CALLS_KIND), "rolled again in the new zone"


def test_days_without_records_are_rolled_a_stretch_at_a_time(dataset, monkeypatch):
    """Months without a call (between the dataset's spring and today) cost one transaction per
    stretch, not one per month; every day is then rolled and the numbers are the same."""
    rolls = []
    real_roll = rollups.roll_days
    monkeypatch.setattr(
        rollups,
        "roll_days",
        lambda kind, first, last: rolls.append(kind.key) or real_roll(kind, first, last),
    )
    rolled = rollups.roll_pending()
    started = CallResult.objects.filter(started_at__isnull=False).values_list("started_at")
    stretches = rollups._runs(sorted({rollups._day_of(value) for (value,) in started}))
    span = (rollups.last_rollable_day() - rollups.first_record_day(CALLS_KIND)).days + 1
    assert rolled["calls"] == span > 10 * rollups.ROLL_DAYS_AT_ONCE
    assert rolls.count("calls") <= 2 * len(stretches) + 1
    assert not rollups.pending_days(CALLS_KIND)
    filterset = filters()["calls"]
    assert same(
        counted_by_facts(CALLS_KIND, filterset), counted_from_records(CALLS_KIND, filterset)
    )


def test_recent_days_are_never_rolled(dataset):
    assert rollups.last_rollable_day() == rollups._today() - dt.timedelta(days=2)
    rollups.roll_pending()
    assert not OutcomeDay.objects.filter(day__gt=rollups.last_rollable_day()).exists()


def test_the_dashboard_page_is_the_same_from_rollups(dataset, admin_client):
    query = {**PERIOD, "workflow_id": W1}
    before = page(admin_client, query)
    rollups.roll_pending()
    assert page(admin_client, query) == before


def page(client, query) -> str:
    html = client.get("/dashboard/", query).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_outcomes_api_answers_the_same_from_rollups(dataset, admin_client):
    groupings = ["intention", "workflow,intention", "hangup_type", "day", "answered", ""]
    queries = [{"kind": "calls", "group_by": g, "date_from": "2025-01-01"} for g in groupings]
    before = [admin_client.get("/api/outcomes/", query).json() for query in queries]
    rollups.roll_pending()  # once for every grouping (a second each)
    for query, answer in zip(queries, before, strict=True):
        after = admin_client.get("/api/outcomes/", query).json()
        assert after["total"] == answer["total"] and same(after, answer), query


def test_a_call_moved_to_another_day_marks_both_days(rolled, django_capture_on_commit_callbacks):
    spec = next(spec for spec in CALLS if spec["start"])
    before = rollups._day_of(CallResult.objects.get(call_id=spec["call_id"]).started_at)
    payload = copy.deepcopy(call_payload_for(spec))
    payload["call"]["call_start_time"] = "2025-06-01 10:00:00"
    payload["call"]["call_end_time"] = "2025-06-01 10:01:00"
    with django_capture_on_commit_callbacks(execute=True):
        call_result_record(payload=payload)
    after = rollups._day_of(CallResult.objects.get(call_id=spec["call_id"]).started_at)

    assert before != after
    assert RolledDay.objects.get(kind="calls", day=before).dirty
    assert RolledDay.objects.get(kind="calls", day=after).dirty
    filterset = filters()["calls"]
    assert same(
        counted_by_facts(CALLS_KIND, filterset),
        counted_from_records(CALLS_KIND, filterset),
    )


@pytest.mark.parametrize(
    "params",
    [
        {"intention": "E"},
        {"intention": ["E", "__blank__"], "workflow_id": W1},
        {"outcome_group": ["no_contact", "other"]},
    ],
)
def test_a_filter_on_one_split_is_served_by_that_splits_rollups(rolled, params):
    """``intention=E`` over a year: the intention rows of value E hold exactly those records,
    so the totals, the days and the workflows come from the rollups, and the other tables and
    the heatmap from the rollups that cross intention with them (``RecordKind.crossed``)."""
    data = QueryDict(mutable=True)
    for name, value in {**PERIOD, **params}.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    for kind in reading.all_kinds():
        filterset = kind.filterset(data=data, queryset=kind.model.objects.all())
        assert filterset.is_valid()
        facts = rollups.Facts(kind, filterset)
        assert facts._rolled_runs() and not facts.records.exists()
        tables = [[d.key] for d in kind.dimensions if d.table in ("split", "by_workflow")]
        for group in (["workflow"], ["weekday", "hour"], ["day"], *tables):
            assert facts.servable(group), (kind.key, group)
        assert same(counted_by_facts(kind, filterset), counted_from_records(kind, filterset))


def test_a_filter_on_a_split_crossed_with_nothing_counts_the_other_splits_from_the_records(
    rolled,
):
    """``hangup_type=normal``: its own rows serve the totals; ring types, which the rollups never
    count with hang-up types, are counted from the records, and every number is still exact."""
    data = QueryDict(mutable=True)
    for name, value in {**PERIOD, "hangup_type": "normal"}.items():
        data.setlist(name, [value])
    filterset = CALLS_KIND.filterset(data=data, queryset=CallResult.objects.all())
    assert filterset.is_valid()
    facts = rollups.Facts(CALLS_KIND, filterset)
    assert facts.servable(["workflow"]) and not facts.servable(["ring_type"])
    assert same(
        counted_by_facts(CALLS_KIND, filterset), counted_from_records(CALLS_KIND, filterset)
    )


def test_the_last_days_are_read_once_for_every_table_and_add_up_the_same(rolled):
    """A week's dashboard: the five rolled days from the rollups, today and yesterday from the
    records, read by one query per kind however many tables, with the numbers of counting."""
    today = rollups._today()
    for n, spec in enumerate(CALLS[:8]):
        day = today - dt.timedelta(days=n % 2)  # today and yesterday, several splits each
        late = {**spec, "call_id": f"late-{n}", "start": f"{day} 0{n}:30:00"}
        call_result_record(payload=call_payload_for(late))
    week = {"date_from": str(today - dt.timedelta(days=6)), "date_to": str(today)}
    data = QueryDict(mutable=True)
    for name, value in week.items():
        data[name] = value
    filterset = CALLS_KIND.filterset(data=data, queryset=CallResult.objects.all())
    assert filterset.is_valid()
    facts = rollups.Facts(CALLS_KIND, filterset)
    assert facts._few_days_unrolled()
    with CaptureQueriesContext(connection) as queries:
        counted = counted_by_facts(CALLS_KIND, filterset)
    assert counted["summary"]["total"] == 8
    assert same(counted, counted_from_records(CALLS_KIND, filterset))
    read = [
        q
        for q in queries.captured_queries
        if 'FROM "calls_app_callresult"' in q["sql"] and "GROUP BY" in q["sql"]
    ]
    assert len(read) == 1  # once, for every grouping (besides the first record's day)


def test_days_before_the_first_record_do_not_count_as_days_to_read(rolled):
    """A year's dashboard of an account whose calls began in spring: the days before its first
    call hold nothing, so the few days not rolled are still read once for every table."""
    first = rollups.first_record_day(CALLS_KIND)
    year = {"date_from": str(first - dt.timedelta(days=200)), "date_to": str(first)}
    filterset = filters(**year)["calls"]
    facts = rollups.Facts(CALLS_KIND, filterset)
    assert facts._few_days_unrolled()
    assert same(
        counted_by_facts(CALLS_KIND, filterset), counted_from_records(CALLS_KIND, filterset)
    )


def test_rolled_rows_are_read_once_and_again_when_a_day_changes_or_is_rolled(
    rolled, django_capture_on_commit_callbacks
):
    filterset = filters()["calls"]

    def rollup_reads():
        with CaptureQueriesContext(connection) as queries:
            counted = counted_by_facts(CALLS_KIND, filterset)
        return counted, [q for q in queries if "dashboard_outcomeday" in q["sql"]]

    first, reads = rollup_reads()
    assert reads
    again, reads = rollup_reads()
    assert again == first and reads == []  # kept: the same days, rolled as they were

    spec = next(spec for spec in CALLS if spec["intention"] == "E" and spec["start"])
    payload = copy.deepcopy(call_payload_for(spec))
    payload["call"]["intention"] = "Z"
    with django_capture_on_commit_callbacks(execute=True):
        call_result_record(payload=payload)  # its day is counted from the records now
    changed, _ = rollup_reads()
    assert same(changed, counted_from_records(CALLS_KIND, filterset)) and changed != first

    rollups.roll_pending()  # the day rolled again: the same days as at first, a new roll
    rolled_again, reads = rollup_reads()
    assert reads and same(rolled_again, changed)


def test_a_crossing_of_a_split_the_rollups_do_not_keep_is_refused_when_declared():
    import dataclasses

    with pytest.raises(ValueError, match="crossed"):
        dataclasses.replace(CALLS_KIND, crossed=(("intention", "answered"),))


def test_a_shared_cache_that_is_down_leaves_the_numbers_exact(rolled, monkeypatch, caplog):
    """Redis down (``DJANGO_SHARED_CACHE_URL``): the dashboard reads the rollups, no error."""
    from django.core.cache import caches

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(caches["shared"], "get", down)
    monkeypatch.setattr(caches["shared"], "set", down)
    filterset = filters()["calls"]
    with caplog.at_level("WARNING", logger="dashboard.rollups"):
        counted = counted_by_facts(CALLS_KIND, filterset)
    assert same(counted, counted_from_records(CALLS_KIND, filterset))
    assert "The shared cache could not be read" in caplog.text
