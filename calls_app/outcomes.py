"""What came out of calls, counted in the database: totals, rates, averages, splits, trends.

Every function takes calls already narrowed by ``CallResultFilter`` and aggregates them with
``values().annotate()``, so the cost does not grow with rows held in Python. Days are days in the
project's time zone, like the filters' ``date_from``/``date_to``.
"""

from django.db.models import Avg, Count, Q, QuerySet

from integrations.outcomes import WORKFLOW, grouped_counts

# group_by key -> the columns it groups on; each key is also a filter parameter (or maps to one).
GROUPS = {
    "workflow": WORKFLOW,
    "intention": ("intention",),
    "hangup_type": ("hangup_type",),
    "ring_type": ("ring_type",),
    "answered": ("answered",),
    "day": ("day",),
}

ANSWERED = Q(answered=True)


def call_outcomes_count(*, calls: QuerySet, group_by: list[str]) -> list[dict]:
    """Number of calls per combination of ``group_by`` keys (see ``GROUPS``), largest first."""
    return grouped_counts(
        queryset=calls,
        groups=GROUPS,
        group_by=group_by,
        day_field="started_at",
        counts={"count": Count("id"), "answered_count": Count("id", filter=ANSWERED)},
    )


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
    return call_outcomes_count(calls=calls, group_by=["day"])
