"""What came out of chat sessions, counted in the database: totals, hand-overs, splits, trends.

Every function takes sessions already narrowed by ``ChatSessionFilter`` and aggregates them with
``values().annotate()``. Days are days of ``ended_at`` in the project's time zone, like the
filters' ``date_from``/``date_to``.
"""

from django.db.models import Avg, Count, Q, QuerySet

from integrations.outcomes import WORKFLOW, grouped_counts

# group_by key -> the columns it groups on; each key is also a filter parameter (or maps to one).
GROUPS = {
    "workflow": WORKFLOW,
    "intention": ("intention",),
    "end_reason": ("end_reason",),
    "channel": ("channel",),
    "handed_over": ("handed_over",),
    "day": ("day",),
}

HANDED_OVER = Q(handed_over=True)


def chat_session_outcomes_count(*, sessions: QuerySet, group_by: list[str]) -> list[dict]:
    """Number of sessions per combination of ``group_by`` keys (see ``GROUPS``), largest first."""
    return grouped_counts(
        queryset=sessions,
        groups=GROUPS,
        group_by=group_by,
        day_field="ended_at",
        counts={"count": Count("id"), "handed_over_count": Count("id", filter=HANDED_OVER)},
    )


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
    return chat_session_outcomes_count(sessions=sessions, group_by=["day"])
