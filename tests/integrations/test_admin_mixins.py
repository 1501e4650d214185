"""The admin pieces of issue 4, through the real record admins: the FilterSet's parameters on the
list, masking, and CSV export. What both lists share is checked for each kind."""

import csv
import io

import pytest
from django.http import QueryDict

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession
from tests.outcomes_dataset import (
    CALL_CASES,
    FULL_NAME,
    FULL_NUMBER,
    SESSION_CASES,
    query,
    user_with,
)

CALLS = "/admin/calls_app/callresult/"
SESSIONS = "/admin/sessions_app/chatsession/"
SUPPORT = ("calls_app.view_callresult", "sessions_app.view_chatsession")


@pytest.fixture
def support(db):
    return user_with("support", *SUPPORT)


@pytest.fixture
def manager(db):
    return user_with("manager", *SUPPORT, "integrations.export_csv")


def _listed(response) -> set[str]:
    assert response.status_code == 200, response
    return {obj.call_id for obj in response.context["cl"].queryset}


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


LISTS = {
    "calls": (CALLS, CALL_CASES, CallResultFilter, CallResult),
    "sessions": (SESSIONS, SESSION_CASES, ChatSessionFilter, ChatSession),
}
LIST_CASES = [
    pytest.param(kind, case, id=f"{kind}-{case}") for kind in LISTS for case in LISTS[kind][1]
]


@pytest.mark.parametrize(("kind", "case"), LIST_CASES)
def test_list_accepts_every_filter_parameter(client, dataset, support, kind, case):
    url, cases, filterset_class, model = LISTS[kind]
    params, predicate = cases[case]
    client.force_login(support)
    expected = {s["call_id"] for s in getattr(dataset, kind) if predicate(s)}
    filterset = filterset_class(data=QueryDict(query(params)), queryset=model.objects.all())
    assert set(filterset.qs.values_list("call_id", flat=True)) == expected
    assert _listed(client.get(f"{url}?{query(params)}")) == expected


def test_parameters_combine_with_the_admins_own_filters_and_search(client, dataset, support):
    client.force_login(support)
    response = client.get(f"{CALLS}?workflow_id=wf-collect-0001&hangup_type__exact=ByRobot")
    assert _listed(response) == {"call-003"}
    assert _listed(client.get(f"{CALLS}?intention=E&q=case-shared")) == {"call-006", "call-010"}


def test_active_parameters_are_listed_each_with_a_link_that_removes_it(client, dataset, support):
    client.force_login(support)
    html = client.get(f"{CALLS}?intention=E&date_from=2025-04-12").content.decode()
    assert "Intention: E ✕" in html
    assert 'href="?date_from=2025-04-12"' in html
    assert "Started on or after: 2025-04-12 ✕" in html


def test_value_choices_speak_the_filtersets_parameter(client, dataset, support):
    client.force_login(support)
    response = client.get(f"{CALLS}?intention=__blank__&intention=F")
    assert _listed(response) == {
        "call-003",
        "call-004",
        "call-008",
        "call-009",
        "call-012",
        "call-014",
    }
    intention = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "intention"
    )
    choices = {c["display"]: c for c in intention.choices(response.context["cl"])}
    assert [name for name, c in choices.items() if c["selected"]] == ["(none)", "F"]
    assert choices["E"]["query_string"] == "?intention=E"
    assert _listed(client.get(f"{CALLS}{choices['(none)']['query_string']}")) == {
        "call-004",
        "call-008",
        "call-012",
    }


def test_django_filters_and_counts_still_work_beside_them(client, dataset, support):
    client.force_login(support)
    response = client.get(f"{CALLS}?answered__exact=0&intention=E&_facets=True")
    assert _listed(response) == set()
    assert _listed(client.get(f"{CALLS}?answered__exact=1&intention=E")) == {
        "call-001",
        "call-002",
        "call-006",
        "call-007",
        "call-010",
        "call-013",
    }


@pytest.mark.parametrize(
    ("url", "params"),
    [(CALLS, "answered=perhaps"), (SESSIONS, "date_from=last+week")],
    ids=["calls", "sessions"],
)
def test_an_unreadable_parameter_shows_no_records_and_says_which(
    client, dataset, support, url, params
):
    client.force_login(support)
    response = client.get(f"{url}?{params}")
    # Not Django's ``?e=1`` (every record, unfiltered): no records, and a message naming it.
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert f"“{params.split('=')[0]}” was not applied" in response.content.decode()


def test_list_and_change_page_mask_customer_details(client, dataset, support):
    client.force_login(support)
    listing = client.get(CALLS).content.decode()
    call = CallResult.objects.get(call_id="call-001")
    page = client.get(f"{CALLS}{call.pk}/change/").content.decode()
    for html in (listing, page):
        assert FULL_NUMBER not in html and FULL_NAME not in html
        assert "+62•••••••9092" in html and "W••• S••••" in html
    assert "Dialled number" in listing  # the column keeps its label


def test_users_with_the_permission_see_customer_details(client, dataset):
    client.force_login(user_with("details", *SUPPORT, "integrations.view_contact_details"))
    call = CallResult.objects.get(call_id="call-001")
    for url in (CALLS, f"{CALLS}{call.pk}/change/"):
        html = client.get(url).content.decode()
        assert FULL_NUMBER in html and FULL_NAME in html


def test_search_by_the_full_number_works_for_users_who_see_it_masked(client, dataset, support):
    client.force_login(support)
    response = client.get(f"{CALLS}?q=%2B6281234569092")
    assert _listed(response) == {"call-001"}
    html = response.content.decode()
    start = html.index('id="result_list"')
    results = html[start : html.index("</table>", start)]
    assert "+62•••••••9092" in results and FULL_NUMBER not in results


def test_export_action_streams_the_selected_calls_masked(client, dataset, manager):
    client.force_login(manager)
    selected = CallResult.objects.filter(call_id__in=["call-001", "call-002"])
    response = client.post(
        CALLS,
        {"action": "export_csv", "_selected_action": [c.pk for c in selected]},
    )
    rows = _csv(response)
    assert {row["call_id"] for row in rows} == {"call-001", "call-002"}
    assert {row["callee_name"] for row in rows} == {"W••• S••••"}
    assert FULL_NUMBER not in str(rows)


def test_export_url_streams_the_filtered_list(client, dataset, manager):
    client.force_login(manager)
    listing = client.get(f"{CALLS}?intention=E&date_from=2025-04-12").content.decode()
    assert (
        'href="/admin/calls_app/callresult/export-csv/?intention=E&amp;date_from=2025-04-12"'
        in listing
    )
    rows = _csv(client.get(f"{CALLS}export-csv/?intention=E&date_from=2025-04-12"))
    expected = _listed(client.get(f"{CALLS}?intention=E&date_from=2025-04-12"))
    assert {row["call_id"] for row in rows} == expected == {"call-006", "call-010", "call-013"}


def test_export_needs_its_permission(client, dataset, support):
    client.force_login(support)
    listing = client.get(CALLS)
    action_form = listing.context["action_form"]  # None: no action left to offer
    assert action_form is None or "export_csv" not in dict(action_form.fields["action"].choices)
    assert "export-csv" not in listing.content.decode()
    assert client.get(f"{CALLS}export-csv/").status_code == 403
    selected = [CallResult.objects.get(call_id="call-001").pk]
    response = client.post(CALLS, {"action": "export_csv", "_selected_action": selected})
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_export_with_an_unreadable_parameter_is_a_400(client, dataset, manager):
    client.force_login(manager)
    assert client.get(f"{CALLS}export-csv/?date_to=someday").status_code == 400
