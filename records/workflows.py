"""Workflows: the AI Rudder workflows that chat sessions and calls both belong to."""

from datetime import datetime

from records.models import Workflow
from records.payloads import Payload


def workflow_record(*, payload: Payload, seen_at: datetime) -> Workflow:
    """The payload's workflow, created on first sight; its name follows the latest payload."""
    workflow_id = payload.text_for("workflow_id", Workflow, required=True)
    name = payload.text_for("workflow_name", Workflow, "name")
    workflow, created = Workflow.objects.get_or_create(
        workflow_id=workflow_id,
        defaults={"name": name, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if not created and seen_at >= workflow.last_seen_at:
        workflow.name, workflow.last_seen_at = name or workflow.name, seen_at
        workflow.save(update_fields=["name", "last_seen_at"])
    return workflow
