"""Reads about the inbox's health: traffic, failures, backlog, silence and payload drift.

The figures are computed in the database (grouped counts), so the inbox health page, the
``/metrics`` endpoint and the alerts read the same numbers the same way.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from django.db.models import Case, Count, F, Max, Min, Q, Sum, TextField, Value, When
from django.db.models.functions import Left, StrIndex, TruncHour
from django.utils import timezone

from integrations.models import (
    AlertIncident,
    PayloadDrift,
    WebhookEndpoint,
    WebhookEvent,
    WebhookRejection,
    WebhookRejectionTotal,
)

FAILED = WebhookEvent.Status.FAILED
RECEIVED = WebhookEvent.Status.RECEIVED


def _first_line():
    """``error`` up to its first line break, in SQL (``instr``/``strpos``)."""
    newline = StrIndex("error", Value("\n"))
    return Case(
        When(Q(error__contains="\n"), then=Left("error", newline - 1)),
        default="error",
        output_field=TextField(),
    )


def events_with_first_line(error_line: str):
    """Failed events whose error's first line is ``error_line``."""
    return WebhookEvent.objects.filter(status=FAILED).filter(
        Q(error=error_line) | Q(error__startswith=error_line + "\n")
    )


@dataclass(frozen=True)
class Traffic:
    endpoint: str
    kind: str
    per_hour: list[int]  # oldest hour first
    total: int


def deliveries_per_hour(*, now: datetime | None = None, hours: int = 24):
    """Deliveries (retries included) per hour of first receipt, per endpoint and kind.

    Returns the hour starts (oldest first) and one ``Traffic`` row per endpoint and kind.
    """
    now = now or timezone.now()
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    starts = [current - timedelta(hours=hours - 1 - i) for i in range(hours)]
    rows = (
        WebhookEvent.objects.filter(received_at__gte=starts[0])
        .annotate(hour=TruncHour("received_at", tzinfo=UTC))
        .values("endpoint__name", "kind", "hour")
        .annotate(deliveries=Sum("delivery_count"))
        .order_by()
    )
    index = {start: i for i, start in enumerate(starts)}
    grouped: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        counts = grouped.setdefault((row["endpoint__name"], row["kind"]), [0] * hours)
        position = index.get(row["hour"])
        if position is not None:
            counts[position] += row["deliveries"]
    traffic = [
        Traffic(endpoint=endpoint, kind=kind, per_hour=counts, total=sum(counts))
        for (endpoint, kind), counts in sorted(grouped.items())
    ]
    return starts, traffic


def failures_by_error(*, limit: int = 50) -> list[dict]:
    """Failed events grouped by the first line of their error, most frequent first:
    ``error``, ``events``, ``first_received_at``, ``last_received_at``."""
    return list(
        WebhookEvent.objects.filter(status=FAILED)
        .annotate(error_line=_first_line())
        .values("error_line")
        .annotate(
            events=Count("id"),
            first_received_at=Min("received_at"),
            last_received_at=Max("last_received_at"),
        )
        .order_by("-events", "error_line")[:limit]
    )


def failures_since(since: datetime) -> int:
    """Events that failed (by their last processing) and were received since ``since``."""
    return WebhookEvent.objects.filter(status=FAILED, last_received_at__gte=since).count()


@dataclass(frozen=True)
class Backlog:
    events: int
    oldest_received_at: datetime | None

    def age_seconds(self, now: datetime | None = None) -> float:
        if self.oldest_received_at is None:
            return 0.0
        return max(0.0, ((now or timezone.now()) - self.oldest_received_at).total_seconds())


def backlog() -> Backlog:
    """Events stored and not processed yet (``received``), and when the oldest arrived."""
    figures = WebhookEvent.objects.filter(status=RECEIVED).aggregate(
        events=Count("id"), oldest=Min("received_at")
    )
    return Backlog(events=figures["events"], oldest_received_at=figures["oldest"])


def endpoints_last_delivery():
    """Every endpoint with ``last_delivery_at`` (any kind, retries included), newest first."""
    return WebhookEndpoint.objects.annotate(
        last_delivery_at=Max("events__last_received_at")
    ).order_by("name")


def deliveries_by_outcome() -> list[dict]:
    """Deliveries (``delivery_count`` summed) and events per endpoint, kind and status."""
    return list(
        WebhookEvent.objects.values("endpoint__name", "kind", "status")
        .annotate(deliveries=Sum("delivery_count"), events=Count("id"))
        .order_by("endpoint__name", "kind", "status")
    )


def busy_streams(*, since: datetime, min_deliveries: int) -> list[dict]:
    """Per active endpoint and kind, events received since ``since`` when at least
    ``min_deliveries``, with the last delivery time: the streams whose silence means something."""
    return list(
        WebhookEvent.objects.filter(endpoint__is_active=True, received_at__gte=since)
        .values("endpoint_id", "endpoint__name", "kind")
        .annotate(events=Count("id"), last_delivery_at=Max("last_received_at"))
        .filter(events__gte=min_deliveries)
        .order_by("endpoint__name", "kind")
    )


def last_delivery(*, endpoint_id: int, kind: str) -> datetime | None:
    return WebhookEvent.objects.filter(endpoint_id=endpoint_id, kind=kind).aggregate(
        last=Max("last_received_at")
    )["last"]


def median_gap_seconds(*, endpoint_id: int, kind: str, since: datetime) -> float | None:
    """The median time between consecutive new events of one stream since ``since``."""
    times = list(
        WebhookEvent.objects.filter(endpoint_id=endpoint_id, kind=kind, received_at__gte=since)
        .order_by("received_at")
        .values_list("received_at", flat=True)
    )
    gaps = sorted((b - a).total_seconds() for a, b in pairwise(times))
    if not gaps:
        return None
    middle = len(gaps) // 2
    return gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2


def drift_entries(*, limit: int = 200):
    """Payload drift, most recently seen first."""
    return PayloadDrift.objects.order_by("-last_seen_at", "kind", "path")[:limit]


def drift_paths_per_kind() -> dict[str, int]:
    return dict(
        PayloadDrift.objects.values("kind")
        .annotate(paths=Count("id"))
        .values_list("kind", "paths")
        .order_by()
    )


def alert_incidents(*, recent: int = 20):
    """Open incidents first, then the most recently opened."""
    return AlertIncident.objects.order_by(
        F("resolved_at").desc(nulls_first=True), "-opened_at", "-id"
    )[:recent]


def rejections_recent(*, limit: int = 50):
    """The newest refused deliveries: time, source address, endpoint when known, reason."""
    return WebhookRejection.objects.select_related("endpoint").order_by("-received_at", "-id")[
        :limit
    ]


def rejections_since(since: datetime) -> dict[str, int]:
    """Refused deliveries received since ``since``, per reason."""
    return dict(
        WebhookRejection.objects.filter(received_at__gte=since)
        .values("reason")
        .annotate(n=Count("id"))
        .values_list("reason", "n")
        .order_by()
    )


def rejection_totals() -> dict[str, int]:
    """Refused deliveries per reason since the start (old rows deleted or not)."""
    counts = {reason: 0 for reason in WebhookRejection.Reason.values}
    counts.update(WebhookRejectionTotal.objects.values_list("reason", "count"))
    return counts
