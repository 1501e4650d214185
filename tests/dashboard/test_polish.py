"""A polished day: the dashboard's periods, comparison, chart and names, and admin lists that
refuse a filter they cannot apply rather than show every record."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages

from calls_app.models import CallResult
from dashboard.formatting import change_text
from dashboard.params import presets, previous_period
from dashboard.trends import day_label, nice_top
from records.display import time_text, times_text
from tests import outcomes_dataset
from tests.outcomes_dataset import W1, WORKFLOW_NAMES, query

dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager

WEEK = {"date_from": "2025-04-10", "date_to": "2025-04-16"}


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- periods -------------------------------------------------------------------------------------


def test_presets_cover_the_usual_periods():
    today = dt.date(2025, 3, 5)
    got = {p.key: (p.date_from, p.date_to) for p in presets(today)}
    assert got == {
        "today": (today, today),
        "yesterday": (dt.date(2025, 3, 4), dt.date(2025, 3, 4)),
        "7d": (dt.date(2025, 2, 27), today),
        "30d": (dt.date(2025, 2, 4), today),
        "90d": (dt.date(2024, 12, 6), today),
        "this-month": (dt.date(2025, 3, 1), today),
        "last-month": (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
    }


def test_preset_links_set_the_dates_and_keep_the_other_filters(client, dataset, manager):
    client.force_login(manager)
    response = client.get(f"/dashboard/?{query({**WEEK, 'workflow_id': W1})}")
    links = {p["label"]: p["url"] for p in response.context["presets"]}
    assert set(links) >= {"Today", "Yesterday", "Last 7 days", "Last 30 days", "Last 90 days"}
    assert "workflow_id=" + W1 in links["Last month"]
    assert response.context["custom_period"]  # 2025's week is none of the presets
    html = response.content.decode()
    assert "Custom: 2025-04-10 to 2025-04-16" in html


def test_a_reversed_range_is_refused_with_a_clear_message(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/dashboard/?date_from=2025-04-16&date_to=2025-04-10")
    assert response.status_code == 400
    assert not response.context["sections"]
    assert "starts (2025-04-16) after it ends (2025-04-10)" in response.content.decode()
    csv_response = client.get(
        "/dashboard/tables/call-daily.csv?date_from=2025-04-16&date_to=2025-04-10"
    )
    assert csv_response.status_code == 400


# --- comparison ----------------------------------------------------------------------------------


def test_previous_period_is_as_long_and_just_before():
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update({"date_from": "2025-04-10", "date_to": "2025-04-16", "workflow_id": W1})
    before = previous_period(data)
    assert (before["date_from"], before["date_to"]) == ("2025-04-03", "2025-04-09")
    assert before["workflow_id"] == W1
    data["date_from"] = ""
    assert previous_period(data) is None


def test_change_texts():
    assert change_text(12, 8, "count") == "+4 (+50.0%)"
    assert change_text(3, 0, "count") == "+3"
    assert change_text(0.5, 0.625, "rate") == "\N{MINUS SIGN}12.5 pts"
    assert change_text(70, 65, "duration") == "+5 s"
    assert change_text(2.0, 2.0, "number") == "no change"
    assert change_text(None, 2, "number") == "\N{EN DASH}"


def test_each_headline_number_is_compared_with_the_previous_period(client, dataset, manager):
    client.force_login(manager)
    response = client.get(f"/dashboard/?{query(WEEK)}")
    calls = response.context["sections"][0]
    assert len(calls.comparison) == len(calls.numbers)
    before = calls.comparison[0]
    assert before.period == "2025-04-03 to 2025-04-09"
    # The earlier number is a link to exactly its records.
    assert (
        "date_from=2025-04-03" in before.previous.url
        and "date_to=2025-04-09" in before.previous.url
    )
    assert (
        before.previous.value
        == CallResult.objects.filter(
            started_at__date__gte="2025-04-03", started_at__date__lte="2025-04-09"
        ).count()
    )
    assert before.change in response.content.decode()


# --- chart ---------------------------------------------------------------------------------------


def test_chart_has_an_axis_values_and_years_across_a_year(client, dataset, manager):
    client.force_login(manager)
    response = client.get(f"/dashboard/?{query(WEEK)}")
    trend = response.context["sections"][0].trend
    assert trend.ticks[-1] == 0 and trend.ticks[0] >= max(bar.total for bar in trend.bars)
    html = response.content.decode()
    assert 'class="dash-yaxis"' in html and 'class="dash-value"' in html
    assert "<svg" not in html.split('class="dash-chart')[1][:2000]  # HTML bars: text stays legible
    assert day_label(dt.date(2025, 4, 10), with_year=False) == "10 Apr"
    assert day_label(dt.date(2024, 12, 30), with_year=True) == "30 Dec 2024"
    across = client.get("/dashboard/?date_from=2024-12-20&date_to=2025-01-10").context
    labels = [bar.label for bar in across["sections"][0].trend.bars]
    assert labels[0] == "20 Dec 2024" and labels[-1] == "10 Jan 2025"


def test_nice_top():
    assert [nice_top(n) for n in (0, 1, 3, 7, 13, 55, 101)] == [2, 2, 4, 8, 20, 60, 200]


# --- names where people know names ---------------------------------------------------------------


def test_csv_gives_workflow_names_and_keeps_ids(client, dataset, manager):
    client.force_login(manager)
    rows = _csv(client.get(f"/dashboard/tables/session-intentions.csv?{query(WEEK)}"))
    assert rows and all(row["Workflow"] == WORKFLOW_NAMES[row["Workflow id"]] for row in rows)


def test_filter_chips_name_the_workflow(client, dataset, manager):
    client.force_login(manager)
    response = client.get(f"/dashboard/?{query({**WEEK, 'workflow_id': W1})}")
    assert response.context["chips"][0]["value"] == WORKFLOW_NAMES[W1]
    assert f"Workflow: {WORKFLOW_NAMES[W1]}" in response.content.decode()


def test_following_a_workflow_number_selects_that_workflow_in_the_list(client, dataset, manager):
    client.force_login(manager)
    page = client.get(f"/admin/calls_app/callresult/?workflow_id={W1}")
    html = page.content.decode()
    selected = html.split('<li class="selected">')
    assert any(WORKFLOW_NAMES[W1] in part.split("</li>")[0] for part in selected[1:])
    assert f"Workflow: {WORKFLOW_NAMES[W1]} ✕" in html  # the chip, by name


# --- admin lists refuse what they cannot apply ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/admin/calls_app/callresult/?answered__exact=maybe", "answered__exact"),
        ("/admin/sessions_app/chatsession/?handed_over__exact=maybe", "handed_over__exact"),
        ("/admin/calls_app/callresult/?date_from=yesterday", "date_from"),
    ],
)
def test_a_bad_filter_shows_no_records_and_says_which_and_why(
    client, dataset, manager, url, parameter
):
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200  # not a redirect to ?e=1 with every record
    assert response.context["cl"].result_count == 0
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"“{parameter}”" in text and "not applied" in text for text in texts), texts


def test_a_good_filter_beside_a_bad_one_is_still_named(client, dataset, manager):
    client.force_login(manager)
    response = client.get(f"/admin/calls_app/callresult/?workflow_id={W1}&answered__exact=maybe")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1 and "answered__exact" in texts[0]
    assert response.context["cl"].result_count == 0


# --- one time format -----------------------------------------------------------------------------


def test_times_read_alike_with_their_zone(settings):
    value = dt.datetime(2025, 4, 15, 6, 41, 9, tzinfo=dt.UTC)
    assert time_text(value, "Asia/Jakarta") == "2025-04-15 13:41:09 WIB"
    assert time_text(value, "UTC") == "2025-04-15 06:41:09 UTC"
    assert times_text(value, "Asia/Jakarta") == "2025-04-15 06:41:09 UTC (2025-04-15 13:41:09 WIB)"
    assert times_text(value, "UTC") == "2025-04-15 06:41:09 UTC"


def test_record_pages_and_lists_give_every_time_with_its_zone(client, dataset, manager):
    import re

    from sessions_app.models import ChatSession

    client.force_login(manager)
    session = ChatSession.objects.exclude(ended_at=None).first()
    for url in (
        "/admin/sessions_app/chatsession/",
        f"/admin/sessions_app/chatsession/{session.pk}/change/",
        "/admin/calls_app/callresult/",
    ):
        html = client.get(url).content.decode()
        assert not re.search(r"\d [ap]\.m\.", html), url  # not Django's "6:41 a.m."
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", html), url
