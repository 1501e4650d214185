"""A date hierarchy drawn from the calendar, not from a scan of the list."""

import calendar
import datetime as dt

from django.db import models
from django.utils import timezone


class LightDateHierarchyMixin:
    """The date hierarchy's links without a query over the list.

    Django draws the hierarchy from the dates the filtered list holds (``SELECT DISTINCT
    DATE_TRUNC(…)`` over every matching row: seconds at a million calls, on every list page).
    ``django_admin_lightweight_date_hierarchy``'s tag draws it from the calendar instead: every
    month of a year, every day of a month, and the years from the table's first to its last
    record, two reads of the time's index. A link may lead to an empty month; the list says so.
    Selecting a date is unchanged: Django filters a year, month or day as a range of the index.
    """

    date_hierarchy_drilldown = False

    def get_date_hierarchy_drilldown(self, year: int | None, month: int | None):
        if year is None:
            span = self.model._default_manager.aggregate(
                first=models.Min(self.date_hierarchy), last=models.Max(self.date_hierarchy)
            )
            if span["first"] is None:
                return []
            first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
            return [dt.date(y, 1, 1) for y in range(first, last + 1)]
        if month is None:
            return [dt.date(year, m, 1) for m in range(1, 13)]
        days = calendar.monthrange(year, month)[1]
        return [dt.date(year, month, d) for d in range(1, days + 1)]
