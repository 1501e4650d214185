"""An account's label of an intention code is read where the code is: the dashboard's tables,
the outcomes API's rows, the records' API rows and CSV (next to the code), the record's page
and the lists' intention filter."""

import csv
import io

import pytest
from django.core.management import call_command

from calls_app.models import CallResult

pytestmark = pytest.mark.django_db

OPEN = {"date_from": "", "date_to": ""}


@pytest.fixture
def labelled(deliver, call_payload, endpoint):
    assert deliver("call_result", call_payload).status_code == 200
    code = CallResult.objects.get().intention
    call_command(
        "label_intention", endpoint.name, code, "--label", "Promised to pay", "--group",
        "promise_to_pay", "--kind", "calls",
    )  # fmt: skip
    return code


def test_the_outcomes_api_gives_the_label_beside_the_code(admin_client, labelled):
    rows = admin_client.get("/api/outcomes/", {"kind": "calls", "group_by": "intention"}).json()
    row = next(r for r in rows["results"] if r["intention"] == labelled)
    assert row["intention_label"] == "Promised to pay"


def test_the_dashboard_names_the_intention_by_its_label(admin_client, labelled):
    page = admin_client.get("/dashboard/", OPEN)
    tables = {t.key: t for s in page.context["sections"] for t in s.tables}
    shown = {row[1].text for row in tables["call-intentions"].rows}
    assert f"Promised to pay ({labelled})" in shown


def test_the_answer_still_names_its_kind(admin_client, labelled):
    answer = admin_client.get("/api/outcomes/", {"kind": "calls", "group_by": "intention"}).json()
    assert answer["kind"] == "calls" and answer["group_by"] == ["intention"]


def test_the_records_api_gives_the_label_beside_the_code(admin_client, labelled):
    (row,) = admin_client.get("/api/calls/").json()["results"]
    assert (row["intention"], row["intention_label"]) == (labelled, "Promised to pay")
    detail = admin_client.get(row["url"]).json()
    assert detail["intention_label"] == "Promised to pay"


def test_a_code_seeded_without_a_description_reads_as_itself(admin_client, deliver, chat_payload):
    assert deliver("chatbot_session_end", chat_payload).status_code == 200
    (row,) = admin_client.get("/api/sessions/").json()["results"]
    assert row["intention"] and row["intention_label"] == row["intention"]  # seeded by its code


def test_the_csv_ends_with_the_label(admin_client, labelled):
    response = admin_client.get("/admin/calls_app/callresult/export-csv/")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, row = lines
    assert header[-1] == "intention_label" and row[-1] == "Promised to pay"
    assert row[header.index("intention")] == labelled


def test_the_call_page_and_the_list_filter_name_it(admin_client, labelled):
    call = CallResult.objects.get()
    page = admin_client.get(f"/admin/calls_app/callresult/{call.pk}/change/")
    assert "Promised to pay" in page.content.decode()
    listing = admin_client.get("/admin/calls_app/callresult/").content.decode()
    assert f"Promised to pay ({labelled})</a>" in listing
