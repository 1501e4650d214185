"""What came out of calls, counted in the database: totals, rates, averages, splits, trends.

Every function takes calls already narrowed by ``CallResultFilter`` and aggregates them with
``values().annotate()``, so the cost does not grow with rows held in Python. Days are days in the
project's time zone, like the filters' ``date_from``/``date_to``.
"""

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

# group_by key -> the columns it groups on; each key is also a filter parameter (or maps to one).
GROUPS = {
    "workflow": ("workflow__workflow_id", "workflow__name"),
    "intention": ("intention",),
    "hangup_type": ("hangup_type",),
    "ring_type": ("ring_type",),
    "answered": ("answered",),
    "day": ("day",),
}

ANSWERED = Q(answered=True)


def _day():
    return TruncDate("started_at", tzinfo=timezone.get_default_timezone())


def _rename(row: dict) -> dict:
    names = {"workflow__workflow_id": "workflow_id", "workflow__name": "workflow_name"}
    return {names.get(key, key): value for key, value in row.items()}


def call_outcomes_count(*, calls: QuerySet, group_by: list[str]) -> list[dict]:
    """Number of calls per combination of ``group_by`` keys (see ``GROUPS``), largest first."""
    unknown = [key for key in group_by if key not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group(s): {', '.join(unknown)}")
    columns = [column for key in group_by for column in GROUPS[key]]
    if "day" in group_by:
        calls = calls.annotate(day=_day())
    rows = (
        calls.order_by()
        .values(*columns)
        .annotate(count=Count("id"), answered_count=Count("id", filter=ANSWERED))
        .order_by(*(["day"] if "day" in group_by else []), "-count", *columns)
    )
    return [_rename(row) for row in rows]


def call_outcomes_summary(*, calls: QuerySet) -> dict:
    """Totals of the calls; averages of talk time and rounds are over answered calls only."""
    summary = calls.order_by().aggregate(
        total=Count("id"),
        answered_count=Count("id", filter=ANSWERED),
        average_talk_seconds=Avg("talk_seconds", filter=ANSWERED),
        average_rounds=Avg("talk_round", filter=ANSWERED),
    )
    total = summary["total"]
    summary["answered_rate"] = summary["answered_count"] / total if total else None
    return summary


def call_outcomes_daily(*, calls: QuerySet) -> list[dict]:
    """Calls and answered calls per day, oldest first (days without calls are absent)."""
    return list(
        calls.order_by()
        .annotate(day=_day())
        .values("day")
        .annotate(count=Count("id"), answered_count=Count("id", filter=ANSWERED))
        .order_by("day")
    )
