"""Workflows: the AI Rudder workflows that chat sessions and calls both belong to."""

from datetime import datetime

from records.models import Workflow
from records.payloads import Payload


def workflow_read(payload: Payload) -> tuple[str, str]:
    """The payload's workflow id and name; ``PayloadError`` naming the field if unreadable."""
    workflow_id = payload.text_for("workflow_id", Workflow, required=True)
    return workflow_id, payload.text_for("workflow_name", Workflow, "name")


def workflow_record(*, payload: Payload, seen_at: datetime) -> Workflow:
    """The payload's workflow, created on first sight; its name follows the latest payload."""
    workflow_id, name = workflow_read(payload)
    return workflow_save(workflow_id=workflow_id, name=name, seen_at=seen_at)


def workflow_save(*, workflow_id: str, name: str, seen_at: datetime) -> Workflow:
    workflow, created = Workflow.objects.get_or_create(
        workflow_id=workflow_id,
        defaults={"name": name, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if not created and seen_at >= workflow.last_seen_at:
        workflow.name, workflow.last_seen_at = name or workflow.name, seen_at
        workflow.save(update_fields=["name", "last_seen_at"])
    return workflow


def workflows_save_many(seen: list[tuple[str, str, datetime]]) -> dict[str, Workflow]:
    """``workflow_save`` for each ``(workflow_id, name, seen_at)`` in order, in 1 to 3 statements.

    The rows are locked first, in id order (as every batch locks them), and folded in memory in
    the order given, so the result is what saving them one by one would leave.
    """
    ids = sorted({workflow_id for workflow_id, _, _ in seen})
    locked = Workflow.objects.select_for_update().filter(workflow_id__in=ids)
    found = {w.workflow_id: w for w in locked.order_by("workflow_id")}
    new: dict[str, Workflow] = {}
    changed: set[str] = set()
    for workflow_id, name, seen_at in seen:
        workflow = found.get(workflow_id)
        if workflow is None:
            found[workflow_id] = new[workflow_id] = Workflow(
                workflow_id=workflow_id, name=name, first_seen_at=seen_at, last_seen_at=seen_at
            )
        elif seen_at >= workflow.last_seen_at:
            workflow.name, workflow.last_seen_at = name or workflow.name, seen_at
            if workflow_id not in new:
                changed.add(workflow_id)
    if new:  # another worker's batch may insert one first: its row is then updated as ours
        Workflow.objects.bulk_create([new[key] for key in sorted(new)], ignore_conflicts=True)
        stored = Workflow.objects.select_for_update().filter(workflow_id__in=sorted(new))
        for row in stored.order_by("workflow_id"):
            made, found[row.workflow_id] = new[row.workflow_id], row
            newer = made.last_seen_at >= row.last_seen_at
            if newer and (row.name, row.last_seen_at) != (made.name, made.last_seen_at):
                row.name, row.last_seen_at = made.name or row.name, made.last_seen_at
                changed.add(row.workflow_id)
    if changed:
        Workflow.objects.bulk_update(
            [found[key] for key in sorted(changed)], ["name", "last_seen_at"]
        )
    return found
