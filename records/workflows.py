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


def _locked(ids: list[str]) -> dict[str, Workflow]:
    rows = Workflow.objects.select_for_update().filter(workflow_id__in=ids)
    return {w.workflow_id: w for w in rows.order_by("workflow_id")}


def workflows_save_many(seen: list[tuple[str, str, datetime]]) -> dict[str, Workflow]:
    """``workflow_save`` for each ``(workflow_id, name, seen_at)`` in order, in 1 to 4 statements.

    The rows are locked first, in id order (as every batch locks them), and folded in memory in
    the order given, so the result is what saving them one by one would leave. A workflow not
    yet stored is inserted as first seen (``ON CONFLICT DO NOTHING``: another worker's batch may
    insert it first), locked, then folded like the others.
    """
    ids = sorted({workflow_id for workflow_id, _, _ in seen})
    found = _locked(ids)
    if missing := [workflow_id for workflow_id in ids if workflow_id not in found]:
        first: dict[str, tuple[str, datetime]] = {}
        for workflow_id, name, seen_at in seen:
            first.setdefault(workflow_id, (name, seen_at))
        Workflow.objects.bulk_create(
            [
                Workflow(
                    workflow_id=workflow_id,
                    name=first[workflow_id][0],
                    first_seen_at=first[workflow_id][1],
                    last_seen_at=first[workflow_id][1],
                )
                for workflow_id in missing
            ],
            ignore_conflicts=True,
        )
        found |= _locked(missing)
    changed: set[str] = set()
    for workflow_id, name, seen_at in seen:
        workflow = found[workflow_id]
        folded = (name or workflow.name, seen_at)
        if seen_at >= workflow.last_seen_at and folded != (workflow.name, workflow.last_seen_at):
            workflow.name, workflow.last_seen_at = folded
            changed.add(workflow_id)
    if changed:
        Workflow.objects.bulk_update(
            [found[key] for key in sorted(changed)], ["name", "last_seen_at"]
        )
    return found
