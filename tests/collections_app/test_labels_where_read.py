"""An account's label of an intention code is read where the code is: the dashboard's tables
and the outcomes API's rows (next to the code)."""

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
