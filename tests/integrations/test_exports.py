import csv
import datetime as dt
import io
import types
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.sql import compiler
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from calls_app.exports import CALL_RESULTS_CSV
from calls_app.models import CallResult
from privacy.masking import mask_phone
from records import exports
from records.exports import Column, cell, csv_lines
from tests.outcomes_dataset import FULL_NUMBER


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-12.50", "-12.50"),
        ("+6281234569092", "+6281234569092"),
        ("+62•••••••9092", "+62•••••••9092"),
        ("+86xxxxxxxx7425", "+86xxxxxxxx7425"),
        ("plain text", "plain text"),
        (True, "true"),
        (None, ""),
        (Decimal("20310.0000"), Decimal("20310.0000")),
    ],
)
def test_cells_a_spreadsheet_would_run_are_defused(value, written):
    assert cell(value) == written


def test_times_are_written_in_the_project_time_zone(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    moment = dt.datetime(2025, 4, 14, 20, 0, tzinfo=dt.UTC)
    assert cell(moment) == "2025-04-15T03:00:00+07:00"


def test_lines_are_produced_one_at_a_time_with_masked_columns():
    rows = iter([{"number": FULL_NUMBER, "note": "a,b"}, {"number": "", "note": "line\nbreak"}])
    columns = [
        Column("number", lambda r: r["number"], mask=mask_phone),
        Column("note", lambda r: r["note"]),
    ]
    lines = csv_lines(rows, columns, reveal=False)
    assert isinstance(lines, types.GeneratorType)
    assert next(lines) == "\ufeffnumber,note\r\n"
    assert next(lines) == '+62•••••••9092,"a,b"\r\n'
    assert list(csv.reader(io.StringIO(next(lines)))) == [["", "line\nbreak"]]
    revealed = list(csv_lines(iter([{"number": FULL_NUMBER, "note": ""}]), columns, reveal=True))
    assert revealed[1] == f"{FULL_NUMBER},\r\n"


def test_a_queryset_is_read_in_chunks_and_streamed(dataset, monkeypatch):
    """The first lines leave before the last rows are fetched: the rows are never all in memory."""
    events = []
    fetch_batches = compiler.cursor_iter

    def recorded_batches(*args, **kwargs):
        for batch in fetch_batches(*args, **kwargs):
            events.append(("fetched", len(batch)))
            yield batch

    monkeypatch.setattr(compiler, "cursor_iter", recorded_batches)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    response = CALL_RESULTS_CSV.response(CallResult.objects.order_by("call_id"), reveal=True)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="calls-')
    lines = []
    with CaptureQueriesContext(connection) as queries:
        for line in response.streaming_content:
            events.append(("line",))
            lines.append(line)
    # One query for the rows however many chunks (workflows joined), and one lookup of the
    # intentions' labels per chunk, never one per row.
    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in queries.captured_queries]
    assert tables == ["calls_app_callresult", *["collections_app_outcome"] * 3]
    # The header, then 14 rows fetched 5 at a time, each batch written out before the next.
    assert events == [
        ("line",),
        ("fetched", 5),
        *[("line",)] * 5,
        ("fetched", 5),
        *[("line",)] * 5,
        ("fetched", 4),
        *[("line",)] * 4,
    ]
    text = b"".join(lines).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["call_id"] for row in rows] == [f"call-{n:03d}" for n in range(1, 15)]
    assert rows[0]["workflow_name"] == "Collections"
    assert rows[0]["started_at"] == "2025-04-10T09:00:00+00:00"
    assert rows[0]["answered"] == "true"
