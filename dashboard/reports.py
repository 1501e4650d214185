"""The dashboard's content: numbers, tables and trends, each number with the link to its records.

Everything is computed from a validated FilterSet: the numbers by the domain apps' ``outcomes``
(aggregated in the database), the links by turning the FilterSet's own cleaned parameters back
into a query string with one or two more parameters (``intention=E``). The admin lists accept
those parameters, so a number and the list it opens always agree.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone

from calls_app import outcomes as call_outcomes
from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from integrations.display import NO_VALUE, duration_text
from integrations.filtering import admin_changelist_url, filter_params, query_string, with_params
from sessions_app import outcomes as session_outcomes
from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession

DEFAULT_DAYS = 7
# The dashboard's own filters; channel narrows chat sessions only (calls have no channel).
CALL_PARAMETERS = ("date_from", "date_to", "workflow_id", "robot_id")
SESSION_PARAMETERS = (*CALL_PARAMETERS, "channel")
BLANK_LABEL = "(none)"


@dataclass(frozen=True)
class Cell:
    """A table value: ``value`` goes to CSV, ``text`` to the page, ``url`` opens its records."""

    value: Any
    text: str = ""
    url: str | None = None
    bar: float | None = None  # 0..100, a share drawn as a bar

    def __str__(self) -> str:
        return self.text

    @property
    def numeric(self) -> bool:
        return self.bar is not None or (
            isinstance(self.value, int | float) and not isinstance(self.value, bool)
        )


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    label_columns: int = 1  # the leading columns that name a row rather than count it


@dataclass(frozen=True)
class Bar:
    day: dt.date
    label: str
    total: int
    part: int
    url: str
    x: float
    width: float
    total_y: float
    total_height: float
    part_y: float
    part_height: float

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class Trend:
    """A daily bar chart drawn as SVG by the template: every day of the range, empty days too."""

    title: str
    part_label: str
    bars: list[Bar]
    height: int = 120
    width: int = 700
    labels: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    numbers: list[Cell]
    number_labels: list[str]
    tables: list[Table]
    trend: Trend
    export_url: str
    total: int
    note: str = ""

    @property
    def cards(self) -> list[tuple[str, Cell]]:
        return list(zip(self.number_labels, self.numbers, strict=True))


def default_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def dashboard_data(query: QueryDict) -> QueryDict:
    """The dashboard's parameters from a request's query; absent dates default to the last week.

    A date present but empty stays empty: the user asked for an open range. Repeated values
    (``workflow_id=A&workflow_id=B``, from a link) are kept, as every other surface keeps them.
    """
    data = QueryDict(mutable=True)
    for name in SESSION_PARAMETERS:
        values = [value for value in query.getlist(name) if value]
        if values:
            data.setlist(name, values)
    date_from, date_to = default_dates()
    if "date_from" not in query:
        data["date_from"] = date_from.isoformat()
    if "date_to" not in query:
        data["date_to"] = date_to.isoformat()
    return data


def _only(data: QueryDict, names: Iterable[str]) -> QueryDict:
    subset = QueryDict(mutable=True)
    for name in names:
        if name in data:
            subset.setlist(name, data.getlist(name))
    return subset


def dashboard_filters(data: QueryDict) -> tuple[CallResultFilter, ChatSessionFilter]:
    return (
        CallResultFilter(data=_only(data, CALL_PARAMETERS), queryset=CallResult.objects.all()),
        ChatSessionFilter(data=_only(data, SESSION_PARAMETERS), queryset=ChatSession.objects.all()),
    )


# --- formatting ---------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent_text(ratio: float | None) -> str:
    return NO_VALUE if ratio is None else f"{ratio * 100:.1f}%"


def number_text(value: float | None, digits: int = 1) -> str:
    return NO_VALUE if value is None else f"{value:.{digits}f}"


def label(value: Any) -> str:
    return BLANK_LABEL if value in ("", None) else str(value)


# --- building -----------------------------------------------------------------------------------


class Links:
    """Admin list URLs for one model under one FilterSet's parameters, plus overrides."""

    def __init__(self, model: type[Model], filterset):
        self.model = model
        self.params = filter_params(filterset)

    def __call__(self, **overrides) -> str:
        return admin_changelist_url(self.model, with_params(self.params, **overrides))

    @property
    def query(self) -> str:
        return query_string(self.params)


def _count_cell(count: int, url: str) -> Cell:
    return Cell(count, str(count), url)


def _share_cell(part: int, whole: int, url: str) -> Cell:
    ratio = share(part, whole)
    return Cell(
        None if ratio is None else round(ratio, 4),
        percent_text(ratio),
        url,
        bar=None if ratio is None else ratio * 100,
    )


def _split_table(
    key: str, title: str, header: str, rows: list[dict], field_name: str, total: int, links: Links
) -> Table:
    return Table(
        key=key,
        title=title,
        headers=(header, "Count", "Share"),
        rows=[
            (
                Cell(row[field_name], label(row[field_name])),
                _count_cell(row["count"], links(**{field_name: row[field_name]})),
                _share_cell(row["count"], total, links(**{field_name: row[field_name]})),
            )
            for row in rows
        ],
    )


def _intentions_table(
    key: str, rows: list[dict], links: Links, part_key: str, part_header: str
) -> Table:
    """Counts per workflow and intention, with each intention's share of its workflow."""
    per_workflow: dict[str, int] = {}
    for row in rows:
        per_workflow[row["workflow_id"]] = per_workflow.get(row["workflow_id"], 0) + row["count"]
    rows = sorted(rows, key=lambda r: (r["workflow_name"] or r["workflow_id"], -r["count"]))
    table_rows = []
    previous = None
    for row in rows:
        url = links(workflow_id=row["workflow_id"], intention=row["intention"])
        # The workflow is named on its first row only; CSV gets it on every row.
        first = row["workflow_id"] != previous
        previous = row["workflow_id"]
        workflow = row["workflow_name"] or row["workflow_id"]
        table_rows.append(
            (
                Cell(
                    row["workflow_id"],
                    workflow if first else "",
                    links(workflow_id=row["workflow_id"]) if first else None,
                ),
                Cell(row["intention"], label(row["intention"])),
                _count_cell(row["count"], url),
                _share_cell(row["count"], per_workflow[row["workflow_id"]], url),
                _count_cell(row[part_key], _part_url(links, part_key, row)),
            )
        )
    return Table(
        key=key,
        title="Intentions by workflow",
        headers=("Workflow", "Intention", "Count", "Share of workflow", part_header),
        rows=table_rows,
        label_columns=2,
    )


def _part_url(links: Links, part_key: str, row: dict) -> str:
    flag = "answered" if part_key == "answered_count" else "handed_over"
    return links(workflow_id=row["workflow_id"], intention=row["intention"], **{flag: True})


def _days(filterset, daily: list[dict]) -> list[dt.date]:
    """Every day of the filtered range (or of the data, for an open range), oldest first."""
    seen = [row["day"] for row in daily if row["day"] is not None]
    cleaned = filterset.form.cleaned_data
    first = cleaned.get("date_from") or (min(seen) if seen else None)
    last = cleaned.get("date_to") or (max(seen) if seen else None)
    if first is None or last is None or last < first or (last - first).days > 366:
        return sorted(seen)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _trend(
    title: str,
    part_label: str,
    filterset,
    daily: list[dict],
    part_key: str,
    links: Links,
    part_flag: str,
) -> Trend:
    by_day = {row["day"]: row for row in daily}
    days = _days(filterset, daily)
    peak = max((row["count"] for row in daily), default=0) or 1
    width, height = Trend.width, Trend.height
    slot = width / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        row = by_day.get(day, {"count": 0, part_key: 0})
        total_height = round(row["count"] / peak * height, 2)
        part_height = round(row[part_key] / peak * height, 2)
        bars.append(
            Bar(
                day=day,
                label=day.strftime("%d %b"),
                total=row["count"],
                part=row[part_key],
                url=links(date_from=day, date_to=day),
                x=round(index * slot + slot * 0.1, 2),
                width=round(slot * 0.8, 2),
                total_y=round(height - total_height, 2),
                total_height=total_height,
                part_y=round(height - part_height, 2),
                part_height=part_height,
            )
        )
    step = max(1, -(-len(bars) // 10))  # at most ten day labels under the bars
    return Trend(title, part_label, bars, labels=bars[::step])


def _trend_table(key: str, trend: Trend, header: str, part_header: str, links, flag) -> Table:
    return Table(
        key=key,
        title="Daily trend",
        headers=("Day", header, part_header),
        rows=[
            (
                Cell(bar.day, bar.day.isoformat()),
                _count_cell(bar.total, bar.url),
                _count_cell(bar.part, links(date_from=bar.day, date_to=bar.day, **{flag: True})),
            )
            for bar in trend.bars
        ],
    )


def calls_section(filterset: CallResultFilter, export_url: Callable[[str], str]) -> Section:
    calls = filterset.qs
    links = Links(CallResult, filterset)
    summary = call_outcomes.call_outcomes_summary(calls=calls)
    total = summary["total"]
    answered_url = links(answered=True)
    numbers = [
        _count_cell(total, links()),
        Cell(
            summary["answered_rate"],
            f"{percent_text(summary['answered_rate'])} ({summary['answered_count']})",
            answered_url,
        ),
        Cell(
            summary["average_talk_seconds"],
            duration_text(summary["average_talk_seconds"], unknown=NO_VALUE),
            answered_url,
        ),
        Cell(summary["average_rounds"], number_text(summary["average_rounds"]), answered_url),
    ]
    by_intention = call_outcomes.call_outcomes_count(
        calls=calls, group_by=["workflow", "intention"]
    )
    hangups = call_outcomes.call_outcomes_count(calls=calls, group_by=["hangup_type"])
    rings = call_outcomes.call_outcomes_count(calls=calls, group_by=["ring_type"])
    daily = call_outcomes.call_outcomes_daily(calls=calls)
    trend = _trend(
        "Calls per day", "answered", filterset, daily, "answered_count", links, "answered"
    )
    tables = [
        _intentions_table("call-intentions", by_intention, links, "answered_count", "Answered"),
        _split_table(
            "call-hangup-types", "Hangup types", "Hangup type", hangups, "hangup_type", total, links
        ),
        _split_table(
            "call-ring-types", "Ring types", "Ring type", rings, "ring_type", total, links
        ),
        _trend_table("call-daily", trend, "Calls", "Answered", links, "answered"),
    ]
    return Section(
        key="calls",
        title="Calls",
        numbers=numbers,
        number_labels=["Calls", "Answered", "Average talk time", "Average rounds"],
        tables=tables,
        trend=trend,
        export_url=export_url(links.query),
        total=total,
    )


def sessions_section(filterset: ChatSessionFilter, export_url: Callable[[str], str]) -> Section:
    sessions = filterset.qs
    links = Links(ChatSession, filterset)
    summary = session_outcomes.chat_session_outcomes_summary(sessions=sessions)
    total = summary["total"]
    numbers = [
        _count_cell(total, links()),
        Cell(
            summary["handed_over_rate"],
            f"{percent_text(summary['handed_over_rate'])} ({summary['handed_over_count']})",
            links(handed_over=True),
        ),
        Cell(
            summary["average_duration_seconds"],
            duration_text(summary["average_duration_seconds"], unknown=NO_VALUE),
            links(),
        ),
    ]
    reasons = session_outcomes.chat_session_outcomes_count(
        sessions=sessions, group_by=["end_reason"]
    )
    by_intention = session_outcomes.chat_session_outcomes_count(
        sessions=sessions, group_by=["workflow", "intention"]
    )
    daily = session_outcomes.chat_session_outcomes_daily(sessions=sessions)
    trend = _trend(
        "Chat sessions per day",
        "handed over",
        filterset,
        daily,
        "handed_over_count",
        links,
        "handed_over",
    )
    tables = [
        _split_table(
            "session-end-reasons", "End reasons", "End reason", reasons, "end_reason", total, links
        ),
        _intentions_table(
            "session-intentions", by_intention, links, "handed_over_count", "Handed over"
        ),
        _trend_table("session-daily", trend, "Sessions", "Handed over", links, "handed_over"),
    ]
    return Section(
        key="sessions",
        title="Chat sessions",
        numbers=numbers,
        number_labels=["Chat sessions", "Handed to an agent", "Average duration"],
        tables=tables,
        trend=trend,
        export_url=export_url(links.query),
        total=total,
    )


def table_by_key(sections: Iterable[Section], key: str) -> Table | None:
    return next((t for section in sections for t in section.tables if t.key == key), None)
