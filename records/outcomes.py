"""Counting records by groups in the database: the shape that calls and chat sessions share.

Each domain declares its ``Outcomes``: its groups, the flag it counts besides the total (calls
answered, sessions handed over) and its averages; this does the counting with
``values().annotate()``, so the cost does not grow with rows held in Python. Days are days in the
project's time zone, like the filters' ``date_from``/``date_to``.
"""

from dataclasses import dataclass

from django.db.models import Aggregate, Count, Q, QuerySet
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

    The key ``day`` groups on the local day of ``day_field``. No keys: one row, the totals (also
    of no records).
    """
    unknown = [key for key in group_by if key not in groups]
    if unknown:
        raise ValueError(f"unknown group(s): {', '.join(unknown)}")
    columns = [column for key in group_by for column in groups[key]]
    if not columns:
        # ``values()`` of no columns would group by every column: one row per record.
        return [queryset.order_by().aggregate(**counts)]
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


@dataclass(frozen=True)
class Outcomes:
    """What came out of one kind of record, over records already narrowed by its FilterSet.

    - ``groups``: ``group_by`` key -> the columns it groups on; each key is also a filter
      parameter (or maps to one, as ``workflow`` to ``workflow_id``);
    - ``day_field``: the datetime whose local day the ``day`` group and the trend use;
    - ``flag``: a boolean field counted besides the total, as ``<flag>_count`` and
      ``<flag>_rate``;
    - ``averages``: the summary's averages, by name.
    """

    groups: dict[str, tuple[str, ...]]
    day_field: str
    flag: str
    averages: dict[str, Aggregate]

    @property
    def flagged(self) -> Q:
        return Q(**{self.flag: True})

    @property
    def flag_count(self) -> str:
        return f"{self.flag}_count"

    def count(self, queryset: QuerySet, group_by: list[str]) -> list[dict]:
        """Records (and flagged ones) per combination of ``group_by`` keys, largest first."""
        return grouped_counts(
            queryset=queryset,
            groups=self.groups,
            group_by=group_by,
            day_field=self.day_field,
            counts={"count": Count("id"), self.flag_count: Count("id", filter=self.flagged)},
        )

    def summary(self, queryset: QuerySet) -> dict:
        """``total``, ``<flag>_count``, ``<flag>_rate`` (``None`` of nothing) and the averages."""
        summary = queryset.order_by().aggregate(
            total=Count("id"),
            **{self.flag_count: Count("id", filter=self.flagged)},
            **self.averages,
        )
        total = summary["total"]
        summary[f"{self.flag}_rate"] = summary[self.flag_count] / total if total else None
        return summary

    def daily(self, queryset: QuerySet) -> list[dict]:
        """Records and flagged ones per day, oldest first (days without records are absent)."""
        return self.count(queryset, ["day"])
