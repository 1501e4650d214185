"""The inbox health page, for integrators: traffic, failures, backlog, silence, payload drift,
refused deliveries.

The figures are read by ``operations.inbox``; this module only lays them out, and replays the
failed events of one error when asked (``integrations.process_webhookevent``).
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from integrations import kinds
from integrations.replay import webhook_event_replay
from operations import inbox

VIEW_EVENTS = "integrations.view_webhookevent"
PROCESS_EVENTS = "integrations.process_webhookevent"
# One POST replays at most this many events, so the request ends in time; press again for more.
PROCESS_AGAIN_LIMIT = 200


def _events_url(**filters) -> str:
    return reverse("admin:integrations_webhookevent_changelist") + "?" + urlencode(filters)


def _kind_label(slug: str) -> str:
    try:
        return kinds.get(slug).label
    except kinds.UnknownEventKind:
        return slug


@require_GET
@login_required
@permission_required(VIEW_EVENTS, raise_exception=True)
def inbox_health(request):
    now = timezone.now()
    hours, traffic = inbox.deliveries_per_hour(now=now)
    failures = [
        {
            **group,
            "url": _events_url(status__exact="failed", error__startswith=group["error_line"]),
        }
        for group in inbox.failures_by_error()
    ]
    backlog = inbox.backlog()
    drift = [
        {"entry": entry, "kind_label": _kind_label(entry.kind)} for entry in inbox.drift_entries()
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Inbox health",
        "now": now,
        "hours": hours,
        "traffic": [{"row": row, "label": _kind_label(row.kind)} for row in traffic],
        "failures": failures,
        "backlog": backlog,
        "backlog_age_seconds": backlog.age_seconds(now),
        "backlog_url": _events_url(status__exact="received"),
        "endpoints": inbox.endpoints_last_delivery(),
        "drift": drift,
        "incidents": inbox.alert_incidents(),
        "rejections": inbox.rejections_recent(),
        "rejections_day": sorted(inbox.rejections_since(now - timedelta(hours=24)).items()),
        "can_process": request.user.has_perm(PROCESS_EVENTS),
        "process_again_limit": PROCESS_AGAIN_LIMIT,
    }
    return render(request, "dashboard/inbox.html", context)


@login_required
@permission_required([VIEW_EVENTS, PROCESS_EVENTS], raise_exception=True)
@require_POST
def inbox_process_again(request):
    """Process again the failed events whose error starts with the posted first line."""
    error_line = request.POST.get("error_line", "")
    ids = list(
        inbox.events_with_first_line(error_line)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:PROCESS_AGAIN_LIMIT]
    )
    outcomes: dict[str, int] = {}
    for event_id in ids:
        status = webhook_event_replay(event_id=event_id).event.status
        outcomes[status] = outcomes.get(status, 0) + 1
    if ids:
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        level = messages.WARNING if outcomes.get("failed") else messages.SUCCESS
        messages.add_message(request, level, f"Processed {len(ids)} events again: {summary}.")
    else:
        messages.warning(request, "No failed event has that error any more.")
    return redirect("dashboard:inbox")
