"""What came out of chat sessions, counted in the database: totals, hand-overs, splits, trends.

Every function takes sessions already narrowed by ``ChatSessionFilter`` and aggregates them with
``values().annotate()``. Days are days of ``ended_at`` in the project's time zone, like the
filters' ``date_from``/``date_to``.
"""

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

# group_by key -> the columns it groups on; each key is also a filter parameter (or maps to one).
GROUPS = {
    "workflow": ("workflow__workflow_id", "workflow__name"),
    "intention": ("intention",),
    "end_reason": ("end_reason",),
    "channel": ("channel",),
    "handed_over": ("handed_over",),
    "day": ("day",),
}

HANDED_OVER = Q(handed_over=True)


def _day():
    return TruncDate("ended_at", tzinfo=timezone.get_default_timezone())


def _rename(row: dict) -> dict:
    names = {"workflow__workflow_id": "workflow_id", "workflow__name": "workflow_name"}
    return {names.get(key, key): value for key, value in row.items()}


def chat_session_outcomes_count(*, sessions: QuerySet, group_by: list[str]) -> list[dict]:
    """Number of sessions per combination of ``group_by`` keys (see ``GROUPS``), largest first."""
    unknown = [key for key in group_by if key not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group(s): {', '.join(unknown)}")
    columns = [column for key in group_by for column in GROUPS[key]]
    if "day" in group_by:
        sessions = sessions.annotate(day=_day())
    rows = (
        sessions.order_by()
        .values(*columns)
        .annotate(count=Count("id"), handed_over_count=Count("id", filter=HANDED_OVER))
        .order_by(*(["day"] if "day" in group_by else []), "-count", *columns)
    )
    return [_rename(row) for row in rows]


def chat_session_outcomes_summary(*, sessions: QuerySet) -> dict:
    summary = sessions.order_by().aggregate(
        total=Count("id"),
        handed_over_count=Count("id", filter=HANDED_OVER),
        average_duration_seconds=Avg("duration_seconds"),
        average_rounds=Avg("talk_round"),
    )
    total = summary["total"]
    summary["handed_over_rate"] = summary["handed_over_count"] / total if total else None
    return summary


def chat_session_outcomes_daily(*, sessions: QuerySet) -> list[dict]:
    """Sessions and hand-overs per day, oldest first (days without sessions are absent)."""
    return list(
        sessions.order_by()
        .annotate(day=_day())
        .values("day")
        .annotate(count=Count("id"), handed_over_count=Count("id", filter=HANDED_OVER))
        .order_by("day")
    )
