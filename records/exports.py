"""CSV export, streamed in chunks, with customer details masked per column and formulas
defused (``docs/design-notes.md``).
"""

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

CHUNK_SIZE = 2000
# Excel opens UTF-8 files as such only when they start with a byte order mark.
BOM = "\ufeff"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-][\d\s().xX•-]*$")  # numbers, also masked ones


class Echo:
    """A file-like object whose ``write`` returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> Any:
    """A value as a CSV cell: local times, plain booleans, and no formula a spreadsheet would run.

    A phone number (``+62…``) or a negative amount stays as it is; other text starting with
    ``=``, ``+``, ``-``, ``@`` gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER_LIKE.match(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, how to read it from a row, and how to mask it if personal."""

    header: str
    value: Callable[[Any], Any]
    mask: Callable[[Any], str] | None = None


def csv_lines(rows: Iterable, columns: Sequence[Column], *, reveal: bool) -> Iterator[str]:
    """The header line, then one line per row; personal columns masked unless ``reveal``.
    Times are in the zone of the request that asked (the lines are written after it ends)."""
    return _lines(rows, columns, reveal, timezone.get_current_timezone())


def _lines(rows, columns, reveal: bool, zone) -> Iterator[str]:
    writer = csv.writer(Echo())
    with timezone.override(zone):
        yield BOM + writer.writerow([column.header for column in columns])
        for row in rows:
            values = []
            for column in columns:
                value = column.value(row)
                if column.mask is not None and not reveal:
                    value = column.mask(value)
                values.append(cell(value))
            yield writer.writerow(values)


def csv_response(lines: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_filename(name: str) -> str:
    return f"{name}-{timezone.localdate().isoformat()}.csv"


def _streamed(queryset: QuerySet) -> Iterator:
    """Rows from a server-side cursor inside a transaction.

    Outside one (autocommit), Django declares the cursor ``WITH HOLD``, and PostgreSQL then
    computes and stores the whole result before the first row leaves: six seconds of silence
    for a year of calls. Inside a transaction the cursor streams, and the download starts at
    once; the transaction ends with the export (or when the client goes away).
    """
    with transaction.atomic(using=queryset.db, savepoint=False):  # in one already: no savepoint
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)


def _prepared(rows: Iterator, prepare: Callable[[list], Any]) -> Iterator:
    while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
        prepare(chunk)
        yield from chunk


@dataclass(frozen=True)
class CsvExport:
    """How one kind of record is exported: its columns and the relations those columns read."""

    name: str
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = field(default_factory=tuple)
    # Called on each chunk of rows before it is written (their intentions' labels, read once).
    prepare: Callable[[list], Any] | None = None

    def rows(self, queryset: QuerySet) -> Iterator:
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if connections[queryset.db].vendor == "postgresql":
            rows = _streamed(queryset)
        else:
            rows = queryset.iterator(chunk_size=CHUNK_SIZE)
        return _prepared(rows, self.prepare) if self.prepare else rows

    def lines(self, queryset: QuerySet, *, reveal: bool) -> Iterator[str]:
        return csv_lines(self.rows(queryset), self.columns, reveal=reveal)

    def response(self, queryset: QuerySet, *, reveal: bool) -> StreamingHttpResponse:
        return csv_response(
            self.lines(queryset, reveal=reveal), filename=export_filename(self.name)
        )


def attribute(path: str) -> Callable[[Any], Any]:
    """Reads ``path`` (``"workflow.name"``) from a model instance or a key from a dict."""
    parts = path.split(".")

    def read(row):
        value = row
        for part in parts:
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value

    return read


def fields(*names: str) -> tuple[Column, ...]:
    """Columns of the record's fields ``names``, each headed by its name, none masked."""
    return tuple(Column(name, attribute(name)) for name in names)


# The columns every record's CSV starts with: AI Rudder's id, the record's times, its workflow.
RECORD_COLUMNS = (
    *fields("call_id", "started_at", "ended_at"),
    Column("workflow_id", attribute("workflow.workflow_id")),
    Column("workflow_name", attribute("workflow.name")),
)
