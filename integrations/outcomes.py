"""Counting records by groups in the database: the shape that calls and chat sessions share.

Each domain names its groups and what it counts besides the total; this does the grouping, so the
cost does not grow with rows held in Python. Days are days in the project's time zone, like the
filters' ``date_from``/``date_to``.
"""

from django.db.models import Aggregate, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

# The workflow group: its AI Rudder id (also the filter parameter) and its name for display.
WORKFLOW = ("workflow__workflow_id", "workflow__name")
_NAMES = {"workflow__workflow_id": "workflow_id", "workflow__name": "workflow_name"}


def grouped_counts(
    *,
    queryset: QuerySet,
    groups: dict[str, tuple[str, ...]],
    group_by: list[str],
    day_field: str,
    counts: dict[str, Aggregate],
) -> list[dict]:
    """``counts`` per combination of ``group_by`` keys (of ``groups``), by day first, then largest.

    The key ``day`` groups on the local day of ``day_field``.
    """
    unknown = [key for key in group_by if key not in groups]
    if unknown:
        raise ValueError(f"unknown group(s): {', '.join(unknown)}")
    columns = [column for key in group_by for column in groups[key]]
    if "day" in group_by:
        day = TruncDate(day_field, tzinfo=timezone.get_default_timezone())
        queryset = queryset.annotate(day=day)
    first = next(iter(counts))
    rows = (
        queryset.order_by()
        .values(*columns)
        .annotate(**counts)
        .order_by(*(["day"] if "day" in group_by else []), f"-{first}", *columns)
    )
    return [{_NAMES.get(key, key): value for key, value in row.items()} for row in rows]
