"""Workflows saved a batch at a time: two workers meeting a new workflow at once both succeed."""

import datetime as dt

import pytest

from records import workflows
from records.models import Workflow

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC)


def test_a_workflow_another_batch_inserts_first_is_updated_not_failed(monkeypatch):
    """The other worker's insert lands between this batch's locked read and its own insert."""
    real = Workflow.objects.select_for_update
    calls = []

    def racing(*args, **kwargs):
        if not calls:  # the first read: the other worker's row is not committed yet
            calls.append(1)
            Workflow.objects.create(
                workflow_id="wf-1", name="Old name", first_seen_at=SEEN, last_seen_at=SEEN
            )
            return real(*args, **kwargs).none()
        return real(*args, **kwargs)

    monkeypatch.setattr(Workflow.objects, "select_for_update", racing)
    later = SEEN + dt.timedelta(minutes=5)
    saved = workflows.workflows_save_many([("wf-1", "New name", later)])

    stored = Workflow.objects.get(workflow_id="wf-1")
    assert saved["wf-1"].pk == stored.pk
    assert (stored.name, stored.last_seen_at, stored.first_seen_at) == ("New name", later, SEEN)
