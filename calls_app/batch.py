"""Recording many API node pushes at once: one statement per table.

The batch twin of ``services.call_result_record``: the same reading, the same result, with the
rows written by multi-row statements instead of one event's statements at a time.
"""

from integrations.kinds import InboundEvent, read_each
from records.bulk import bulk_saving
from records.payloads import PayloadError
from records.workflows import workflows_save_many

from .models import CallResult, NodePush
from .services import CallRead, call_read


def call_results_record(inbounds: list[InboundEvent]) -> dict[int, PayloadError]:
    """Record ``inbounds`` in their order; returns the events whose payload could not be read.

    Pushes of one call are applied in order in memory (the latest to arrive gives the call's
    fields, every node is kept, as one by one), then written once. Model signals are sent by
    hand: bulk writes skip them, and the dashboard's rollups listen to them.
    """
    reads, errors = read_each(
        inbounds, lambda inbound: call_read(**inbound.arguments("received_at", "tz"))
    )
    if reads:
        _write(reads)
    return errors


def _write(reads: list[CallRead]) -> None:
    workflows = workflows_save_many([(r.workflow_id, r.workflow_name, r.pushed_at) for r in reads])
    locked = CallResult.objects.select_for_update().filter(call_id__in={r.call_id for r in reads})
    calls = {c.call_id: c for c in locked.order_by("call_id")}
    new: dict[str, CallResult] = {}
    winners: dict[str, CallRead] = {}
    nodes: dict[tuple[str, str], CallRead] = {}
    for got in reads:
        nodes[got.call_id, got.node_id] = got
        fields = got.fields | {"workflow": workflows[got.workflow_id]}
        call = calls.get(got.call_id)
        if call is None:
            calls[got.call_id] = new[got.call_id] = CallResult(call_id=got.call_id, **fields)
        elif got.pushed_at >= call.last_pushed_at:
            for name, value in fields.items():
                setattr(call, name, value)
        else:
            continue
        winners[got.call_id] = got
    replaced = [calls[key] for key in sorted(winners) if key not in new]
    created = [new[key] for key in sorted(new)]
    with bulk_saving(CallResult, created, replaced, [*reads[0].fields, "workflow"]):
        _write_related(reads, calls, winners, nodes, replaced)


def _write_related(
    reads: list[CallRead],
    calls: dict[str, CallResult],
    winners: dict[str, CallRead],
    nodes: dict[tuple[str, str], CallRead],
    replaced: list[CallResult],
) -> None:
    for model in reads[0].related:
        if replaced:
            model.objects.filter(call__in=replaced).delete()
        rows = []
        for key in sorted(winners):
            for row in winners[key].related[model]:
                row.call = calls[key]
                rows.append(row)
        model.objects.bulk_create(rows)
    NodePush.objects.bulk_create(
        [
            NodePush(
                call=calls[call_id],
                node_id=node_id,
                received_at=got.pushed_at,
                event_id=got.fields["event_id"],
                **got.node,
            )
            for (call_id, node_id), got in sorted(nodes.items())
        ],
        update_conflicts=True,
        unique_fields=["call", "node_id"],
        update_fields=["node_name", "custom_attribute", "received_at", "event"],
    )
