"""Filter choices read from the columns' indexes give exactly the values a DISTINCT gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls_app.models import CallResult
from integrations.models import Workflow
from records.distinct import distinct_values
from sessions_app.models import ChatSession
from tests import outcomes_dataset
from tests.outcomes_dataset import W1, W2, W3

pytestmark = pytest.mark.django_db

dataset = outcomes_dataset.dataset


@pytest.mark.parametrize(
    ("model", "field_name"),
    [
        (CallResult, "intention"),  # with "" among them
        (CallResult, "hangup_type"),
        (CallResult, "ring_type"),
        (CallResult, "robot_id"),
        (CallResult, "started_at"),  # nullable: a call that never started
        (ChatSession, "end_reason"),
        (ChatSession, "channel"),
        (ChatSession, "robot_id"),
    ],
)
def test_the_values_of_a_column_are_those_its_rows_hold(dataset, model, field_name):
    held = {getattr(row, field_name) for row in model.objects.all()}
    assert len(held) > 1

    values = distinct_values(model, field_name)

    assert set(values) == held
    assert len(values) == len(held)
    present = [v for v in values if v is not None]
    assert present == sorted(present)


def test_related_values_are_those_some_record_points_to(dataset):
    Workflow.objects.create(workflow_id="wf-never-called", name="No calls")
    assert "wf-never-called" not in distinct_values(CallResult, "workflow__workflow_id")
    assert (
        set(distinct_values(CallResult, "workflow__workflow_id"))
        == {call.workflow.workflow_id for call in CallResult.objects.select_related("workflow")}
        <= {W1, W2, W3}
    )


def test_on_postgresql_no_query_reads_every_row(dataset):
    """The loose index scan, not a DISTINCT or GROUP BY over the table."""
    if connection.vendor != "postgresql":
        pytest.skip("the loose index scan is PostgreSQL's; SQLite takes the plain DISTINCT")
    with CaptureQueriesContext(connection) as queries:
        distinct_values(CallResult, "intention")
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "WITH RECURSIVE" in sql and "DISTINCT" not in sql and "GROUP BY" not in sql
