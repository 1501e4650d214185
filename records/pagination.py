"""Admin list pagination that never counts or skips through a large table row by row
(estimated counts, at most ``MAX_PAGES`` pages; ``docs/design-notes.md``).
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.utils.formats import number_format

EXACT_BELOW = 50_000
MAX_PAGES = 100


class EstimatedCountPaginator(Paginator):
    estimated = False  # the count is the planner's estimate
    more = False  # there are more records than the count: it stopped at MAX_PAGES pages

    @cached_property
    def count(self) -> int:
        estimate = self._estimate()
        if estimate is not None and estimate >= EXACT_BELOW:
            self.estimated = True
            return estimate
        limit = self.per_page * MAX_PAGES
        # No ORDER BY: counting needs no order, and sorting the matches first cost ~0.5 s.
        records = self.object_list
        if hasattr(records, "order_by"):
            records = records.order_by()
        counted = records[: limit + 1].count()
        if counted > limit:
            self.more = True
            return limit
        return counted

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    @property
    def capped(self) -> bool:
        """Whether some records are beyond the last page shown."""
        return self.more or super().num_pages > MAX_PAGES

    @property
    def count_text(self) -> str:
        """The count as the list shows it: "about 1,000,000", "more than 10,000", "42"."""
        number = number_format(self.count, force_grouping=True)
        if self.estimated:
            return f"about {number}"
        return f"more than {number}" if self.more else number

    def validate_number(self, number):
        """A page past the last shown is the last shown (a bookmark of page 2,000 still opens
        a list, with the note to narrow it), not an error."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        return super().validate_number(min(max(number, 1), self.num_pages))

    def _estimate(self) -> int | None:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None
