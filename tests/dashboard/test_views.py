"""The dashboard: its numbers, the admin lists they link to, its CSV downloads, its access."""

import csv
import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from calls_app.services import call_result_record
from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession
from tests import outcomes_dataset
from tests.outcomes_dataset import (
    CALL_CASES,
    CALLS,
    CASES,
    DASHBOARD_PARAMETERS,
    FULL_NAME,
    FULL_NUMBER,
    SESSION_CASES,
    W1,
    W2,
    WORKFLOW_NAMES,
    _between,
    _call_day,
    _session_day,
    call_payload_for,
    kind_cases,
    query,
    user_with,
)

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager
manager_with_details = outcomes_dataset.manager_with_details

WEEK = {"date_from": "2025-04-10", "date_to": "2025-04-16"}
FILTERSETS = {
    "/admin/calls_app/callresult/": (CallResultFilter, CallResult),
    "/admin/sessions_app/chatsession/": (ChatSessionFilter, ChatSession),
}


def _dashboard(client, **params):
    return client.get(f"/dashboard/?{query(params)}")


def _records(url: str) -> set[str]:
    """What an admin list link shows: its query string read by the model's FilterSet."""
    parts = urlsplit(url)
    filterset_class, model = FILTERSETS[parts.path]
    filterset = filterset_class(data=QueryDict(parts.query), queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("call_id", flat=True))


def _section(response, key):
    return next(section for section in response.context["sections"] if section.key == key)


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_manager_clicks_intention_e_of_one_workflow_and_gets_exactly_those_calls(
    client, dataset, manager
):
    client.force_login(manager)
    response = _dashboard(client, **WEEK)
    table = next(t for t in _section(response, "calls").tables if t.key == "call-intentions")
    row = next(r for r in table.rows if r[0].value == W1 and r[1].value == "E")
    count = row[2]
    expected = dataset.call_ids(
        lambda s: s["workflow"] == W1 and s["intention"] == "E" and s["start"] >= "2025-04-10"
    )
    assert count.value == len(expected) == 3
    assert f'href="{count.url.replace("&", "&amp;")}">3</a>' in response.content.decode()
    assert count.url.startswith("/admin/calls_app/callresult/?")
    assert _records(count.url) == expected
    # ... and downloads them: the same query string on the export.
    rows = _csv(client.get(f"/dashboard/export/calls.csv?{urlsplit(count.url).query}"))
    assert {row["call_id"] for row in rows} == expected


_FLAG = {"calls": "answered", "sessions": "handed_over"}
_SPLIT = {
    "call-hangup-types": "hangup_type",
    "call-ring-types": "ring_type",
    "session-end-reasons": "end_reason",
}


def _dashboard_predicate(kind: str, params: dict):
    """The records the dashboard's own parameters select, from the specs alone."""
    day = _call_day if kind == "calls" else _session_day
    first = params.get("date_from") and dt.date.fromisoformat(params["date_from"])
    last = params.get("date_to") and dt.date.fromisoformat(params["date_to"])

    def selected(spec) -> bool:
        if (first or last) and not _between(day(spec), first or None, last or None):
            return False
        if "workflow_id" in params and spec["workflow"] != params["workflow_id"]:
            return False
        return kind == "calls" or "channel" not in params or spec["channel"] == params["channel"]

    return selected


def _counted_cells(section):
    """Every count with a link, and, from where it stands, what a count there stands for."""
    day = _call_day if section.key == "calls" else _session_day
    flag = _FLAG[section.key]
    total = section.cards[0][1]
    yield total, lambda s: True
    for table in section.tables:
        for row in table.rows:
            for column, cell in enumerate(row):
                if not cell.url or not isinstance(cell.value, int) or column == 0:
                    continue
                key = row[0].value
                if table.key.endswith("-intentions"):
                    workflow, intention = key, row[1].value
                    with_flag = column == 4
                    yield (
                        cell,
                        lambda s, w=workflow, i=intention, f=with_flag: (
                            s["workflow"] == w and s["intention"] == i and (not f or s[flag])
                        ),
                    )
                elif table.key.endswith("-workflows"):
                    yield cell, lambda s, w=key: s["workflow"] == w
                elif table.key.endswith("-daily"):
                    with_flag = column == 2
                    yield cell, lambda s, d=key, f=with_flag: day(s) == d and (not f or s[flag])
                else:
                    field_name = _SPLIT[table.key]
                    yield cell, lambda s, v=key, n=field_name: s[n] == v
    for bar in section.trend.bars:
        yield (
            type("BarCell", (), {"value": bar.total, "url": bar.url}),
            lambda s, d=bar.day: day(s) == d,
        )


@pytest.mark.parametrize(
    "params",
    [WEEK, {**WEEK, "workflow_id": W2}, {"date_from": "", "date_to": "", "channel": "Messenger"}],
)
def test_every_count_links_to_exactly_the_records_it_counts(client, dataset, manager, params):
    """The records behind each link are the ones the count's place says, computed from specs."""
    client.force_login(manager)
    response = _dashboard(client, **params)
    checked = 0
    for section in response.context["sections"]:
        ids = dataset.call_ids if section.key == "calls" else dataset.session_ids
        selected = _dashboard_predicate(section.key, params)
        for cell, stands_for in _counted_cells(section):
            meant = ids(lambda s, p=stands_for, q=selected: q(s) and p(s))
            assert _records(cell.url) == meant, cell.url
            assert cell.value == len(meant), cell.url
            checked += 1
    assert checked > 30


def test_rates_and_averages_link_to_the_records_they_are_computed_from(client, dataset, manager):
    client.force_login(manager)
    calls = _section(_dashboard(client, **WEEK), "calls")
    total, answered_rate, talk, rounds = (cell for _, cell in calls.cards)
    answered = dataset.call_ids(lambda s: s["answered"] and s["start"] >= "2025-04-10")
    assert _records(answered_rate.url) == _records(talk.url) == _records(rounds.url) == answered
    assert answered_rate.value == pytest.approx(len(answered) / total.value)
    talk_times = [s["talk"] for s in CALLS if s["call_id"] in answered]
    assert talk.value == pytest.approx(sum(talk_times) / len(talk_times))


@pytest.mark.parametrize(("kind", "case"), kind_cases(only=DASHBOARD_PARAMETERS))
def test_dashboard_counts_like_every_other_surface(client, dataset, manager, kind, case):
    params, predicate = CASES[kind][case]
    client.force_login(manager)
    data = {"date_from": "", "date_to": "", **params}
    assert _section(_dashboard(client, **data), kind).total == len(dataset.ids(kind, predicate))


def test_channel_narrows_sessions_only(client, dataset, manager):
    client.force_login(manager)
    response = _dashboard(client, date_from="", date_to="", channel="Messenger")
    assert _section(response, "sessions").total == 2
    assert _section(response, "calls").total == len(dataset.calls)
    assert "narrows chat sessions only" in response.content.decode()


def test_the_range_defaults_to_the_last_seven_days(client, db, manager):
    today = timezone.localdate()
    for call_id, days_ago in [("recent-1", 0), ("recent-2", 6), ("old-1", 7), ("old-2", 30)]:
        spec = {
            **CALLS[0],
            "call_id": call_id,
            "start": f"{today - dt.timedelta(days=days_ago)} 00:00:01",
        }
        call_result_record(payload=call_payload_for(spec))
    client.force_login(manager)
    response = client.get("/dashboard/")
    assert response.context["data"]["date_from"] == str(today - dt.timedelta(days=6))
    assert response.context["data"]["date_to"] == str(today)
    calls = _section(response, "calls")
    assert calls.total == 2
    assert len(calls.trend.bars) == 7


def test_sessions_numbers(client, dataset, manager):
    client.force_login(manager)
    sessions = _section(_dashboard(client, **WEEK), "sessions")
    in_week = dataset.session_ids(lambda s: bool(s["end"]))
    handed = dataset.session_ids(lambda s: s["end"] and s["handed_over"])
    total, handed_over, _ = (cell for _, cell in sessions.cards)
    assert total.value == len(in_week)
    assert handed_over.value == pytest.approx(len(handed) / len(in_week))
    assert _records(handed_over.url) == handed
    reasons = next(t for t in sessions.tables if t.key == "session-end-reasons")
    assert {row[0].value: row[1].value for row in reasons.rows} == {
        "robot": 3,
        "agent": 2,
        "user": 1,
        "expire": 1,
        "error": 1,
    }


def test_an_unreadable_date_is_shown_as_an_error(client, dataset, manager):
    client.force_login(manager)
    response = _dashboard(client, date_from="last week")
    assert response.status_code == 400
    assert "date_from: Enter a valid date." in response.content.decode()


def test_page_loads_nothing_from_elsewhere(client, dataset, manager):
    client.force_login(manager)
    html = _dashboard(client, **WEEK).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html.split('id="content"')[1]


def test_page_shows_no_customer_details(client, dataset, manager_with_details):
    client.force_login(manager_with_details)
    html = _dashboard(client, date_from="", date_to="").content.decode()
    assert FULL_NUMBER not in html and FULL_NAME not in html


def test_workflow_names_are_escaped(client, db, manager):
    payload = call_payload_for({**CALLS[0], "start": str(timezone.localdate()) + " 01:00:00"})
    payload["workflow_name"] = "<script>alert(1)</script>"
    call_result_record(payload=payload)
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- CSV -----------------------------------------------------------------------------------------


def test_each_table_downloads_as_csv(client, dataset, manager):
    client.force_login(manager)
    response = _dashboard(client, **WEEK)
    html = response.content.decode()
    for section in response.context["sections"]:
        for table in section.tables:
            link = f"/dashboard/tables/{table.key}.csv?{response.context['query']}"
            assert link.replace("&", "&amp;") in html
            rows = _csv(client.get(link))
            assert len(rows) == len(table.rows)
            headers = [h for h in table.headers if h != "Workflow"]
            assert [h for h in rows[0] if h not in ("Workflow", "Workflow id")] == headers
    intentions = _csv(client.get(f"/dashboard/tables/call-intentions.csv?{query(WEEK)}"))
    # Workflows by the name people know, the id beside it.
    assert {
        "Workflow": WORKFLOW_NAMES[W1],
        "Workflow id": W1,
        "Intention": "E",
        "Count": "3",
        "Share of workflow": "0.5",
        "Answered": "3",
    } in intentions


def test_unknown_table_is_404(client, dataset, manager):
    client.force_login(manager)
    assert client.get("/dashboard/tables/nothing.csv").status_code == 404


@pytest.mark.parametrize("case", CALL_CASES)
def test_calls_csv_has_the_calls_of_every_filter(client, dataset, manager, case):
    params, predicate = CALL_CASES[case]
    client.force_login(manager)
    rows = _csv(client.get(f"/dashboard/export/calls.csv?{query(params)}"))
    assert {row["call_id"] for row in rows} == dataset.call_ids(predicate)


@pytest.mark.parametrize("case", SESSION_CASES)
def test_sessions_csv_has_the_sessions_of_every_filter(client, dataset, manager, case):
    params, predicate = SESSION_CASES[case]
    client.force_login(manager)
    rows = _csv(client.get(f"/dashboard/export/sessions.csv?{query(params)}"))
    assert {row["call_id"] for row in rows} == dataset.session_ids(predicate)


def test_csv_masks_customer_details_without_the_permission(client, dataset, manager):
    client.force_login(manager)
    calls = _csv(client.get("/dashboard/export/calls.csv?callee=%2B6281234569092"))
    sessions = _csv(client.get("/dashboard/export/sessions.csv?callee=%2B6281234569092"))
    assert [(c["callee_number"], c["contact_number"], c["callee_name"]) for c in calls] == [
        ("+62•••••••9092", "+62•••••••9092", "W••• S••••")
    ]
    assert [s["callee"] for s in sessions] == ["+62•••••••9092"]


def test_csv_shows_customer_details_with_the_permission(client, dataset, manager_with_details):
    client.force_login(manager_with_details)
    calls = _csv(client.get("/dashboard/export/calls.csv?callee=%2B6281234569092"))
    sessions = _csv(client.get("/dashboard/export/sessions.csv?callee=%2B6281234569092"))
    assert [(c["callee_number"], c["callee_name"]) for c in calls] == [(FULL_NUMBER, FULL_NAME)]
    assert [s["callee"] for s in sessions] == [FULL_NUMBER]


def test_csv_with_an_unreadable_filter_is_a_400(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/dashboard/export/calls.csv?answered=perhaps")
    assert response.status_code == 400
    assert b"answered" in response.content


# --- access --------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, dataset):
    for url in ["/dashboard/", "/dashboard/tables/call-daily.csv", "/dashboard/export/calls.csv"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_support_staff_do_not_see_the_dashboard(client, dataset):
    client.force_login(
        user_with("support", "calls_app.view_callresult", "sessions_app.view_chatsession")
    )
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export/calls.csv").status_code == 403


def test_exporting_needs_its_own_permission(client, dataset):
    client.force_login(
        user_with(
            "viewer",
            "dashboard.view_dashboard",
            "calls_app.view_callresult",
            "sessions_app.view_chatsession",
        )
    )
    response = _dashboard(client, **WEEK)
    assert response.status_code == 200
    assert ".csv" not in response.content.decode()
    assert client.get("/dashboard/tables/call-daily.csv").status_code == 403
    assert client.get("/dashboard/export/calls.csv").status_code == 403


def test_exporting_records_needs_their_view_permission(client, dataset):
    client.force_login(
        user_with("exporter", "integrations.export_csv", "calls_app.view_callresult")
    )
    assert client.get("/dashboard/export/calls.csv").status_code == 200
    assert client.get("/dashboard/export/sessions.csv").status_code == 403


def test_one_click_from_the_dashboard_to_the_real_call_list(client, dataset):
    """The admin of call results takes the dashboard's parameters: the list is the count."""
    client.force_login(
        user_with("manager-staff", "dashboard.view_dashboard", "calls_app.view_callresult")
    )
    table = next(
        t
        for t in _section(_dashboard(client, **WEEK), "calls").tables
        if t.key == "call-intentions"
    )
    count = next(r for r in table.rows if r[0].value == W1 and r[1].value == "E")[2]
    response = client.get(count.url)
    assert response.status_code == 200
    listed = {call.call_id for call in response.context["cl"].queryset}
    assert len(listed) == count.value == 3
    assert listed == _records(count.url)
