"""The daily trends: every day of the range as a bar (drawn with CSS by the template) and a row.

Each bar shows the day's records and, inside it, the flagged ones (answered calls, sessions
handed over), with its value above it; the chart has a value axis (0, half, the top) and day
labels under the bars, with the year when the range crosses a year. Each bar links to that
day's records.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join

from .tables import Cell, Links, Table, count_cell

MAX_DAY_LABELS = 7  # under the bars; every day is in the table view and in each bar's title
MAX_VALUE_LABELS = 31  # values above the bars; more would not be readable


@dataclass(frozen=True)
class Bar:
    day: dt.date
    label: str
    total: int
    part: int
    url: str
    total_height: float  # percent of the chart's height
    part_height: float  # percent of the bar's own height
    show_label: bool = False


@dataclass(frozen=True)
class Trend:
    """A daily bar chart: every day of the range, empty days too."""

    title: str
    part_label: str
    bars: list[Bar]
    ticks: list[int] = field(default_factory=list)  # the value axis, top first
    show_values: bool = True
    period: str = ""

    @property
    def bars_html(self) -> str:
        """The bars as HTML, built here rather than by a template loop (a year is 366 bars, which
        the template language renders several times slower); every value escaped."""
        return format_html_join(
            "\n",
            '<a class="dash-col" href="{}" title="{}: {} ({} {})">'
            '<span class="dash-stack" style="height: {}%">{}'
            '<span class="dash-part" style="height: {}%"></span></span></a>',
            (
                (
                    bar.url, bar.label, bar.total, bar.part, self.part_label,
                    bar.total_height,
                    format_html('<span class="dash-value">{}</span>', bar.total)
                    if self.show_values
                    else "",
                    bar.part_height,
                )
                for bar in self.bars
            ),
        )  # fmt: skip

    @property
    def axis_html(self) -> str:
        """The day labels under the bars, one span per bar (most of them empty)."""
        return format_html_join(
            "", "<span>{}</span>", ((bar.label if bar.show_label else "",) for bar in self.bars)
        )


def nice_top(peak: int) -> int:
    """The value axis's top: ``peak`` rounded up to 2, 4, 6, 8 or 10 times a power of ten, so
    that half of it, the middle tick, is a whole number too."""
    if peak <= 2:
        return 2
    power = 10 ** math.floor(math.log10(peak))
    return next(step * power for step in (2, 4, 6, 8, 10) if step * power >= peak)


def _days(filterset, daily: list[dict]) -> list[dt.date]:
    """Every day of the filtered range (or of the data, for an open range), oldest first."""
    seen = [row["day"] for row in daily if row["day"] is not None]
    cleaned = filterset.form.cleaned_data
    first = cleaned.get("date_from") or (min(seen) if seen else None)
    last = cleaned.get("date_to") or (max(seen) if seen else None)
    if first is None or last is None or last < first or (last - first).days > 366:
        return sorted(seen)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def day_label(day: dt.date, *, with_year: bool) -> str:
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def trend(
    title: str, part_label: str, filterset, daily: list[dict], flag: str, links: Links
) -> Trend:
    """The bars of ``daily`` (rows of ``Outcomes.daily``), ``<flag>_count`` inside each."""
    part_key = f"{flag}_count"
    by_day = {row["day"]: row for row in daily}
    days = _days(filterset, daily)
    top = nice_top(max((row["count"] for row in daily), default=0))
    with_year = bool(days) and days[0].year != days[-1].year
    step = max(1, -(-len(days) // MAX_DAY_LABELS))
    bars = []
    for index, day in enumerate(days):
        row = by_day.get(day, {"count": 0, part_key: 0})
        total, part = row["count"], row[part_key]
        bars.append(
            Bar(
                day=day,
                label=day_label(day, with_year=with_year),
                total=total,
                part=part,
                url=links(date_from=day, date_to=day),
                total_height=round(total / top * 100, 2),
                part_height=round(part / total * 100, 2) if total else 0,
                show_label=index % step == 0,
            )
        )
    period = ""
    if days:
        period = (
            f"{days[0]:%Y-%m-%d}"
            if len(days) == 1
            else f"{days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}"
        )
    return Trend(
        title,
        part_label,
        bars,
        ticks=[top, top // 2, 0],
        show_values=len(bars) <= MAX_VALUE_LABELS,
        period=period,
    )


def trend_table(key: str, trend: Trend, header: str, part_header: str, links, flag) -> Table:
    """The trend's days as table rows, for the page's table view and CSV."""
    return Table(
        key=key,
        title="Daily trend",
        headers=("Day", header, part_header),
        rows=[
            (
                Cell(bar.day, bar.day.isoformat()),
                count_cell(bar.total, bar.url),
                count_cell(bar.part, links(date_from=bar.day, date_to=bar.day, **{flag: True})),
            )
            for bar in trend.bars
        ],
    )
