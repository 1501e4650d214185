"""The daily trends: every day of the range as a bar (drawn as SVG by the template) and a row.

Each bar shows the day's records and, inside it, the flagged ones (answered calls, sessions
handed over); both link to that day's records.
"""

import datetime as dt
from dataclasses import dataclass, field

from .tables import Cell, Links, Table, count_cell


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


def _days(filterset, daily: list[dict]) -> list[dt.date]:
    """Every day of the filtered range (or of the data, for an open range), oldest first."""
    seen = [row["day"] for row in daily if row["day"] is not None]
    cleaned = filterset.form.cleaned_data
    first = cleaned.get("date_from") or (min(seen) if seen else None)
    last = cleaned.get("date_to") or (max(seen) if seen else None)
    if first is None or last is None or last < first or (last - first).days > 366:
        return sorted(seen)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def trend(
    title: str, part_label: str, filterset, daily: list[dict], flag: str, links: Links
) -> Trend:
    """The bars of ``daily`` (rows of ``Outcomes.daily``), ``<flag>_count`` inside each."""
    part_key = f"{flag}_count"
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
