"""One dashboard section per kind of record, built from its ``RecordKind`` declaration."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from records.display import NO_VALUE
from records.reading import WORKFLOW, RecordKind, labels_for

from .formatting import average_duration_text, number_text
from .rollups import Facts
from .tables import (
    Cell,
    Comparison,
    Links,
    Table,
    by_workflow_table,
    comparisons,
    count_cell,
    rate_cell,
    split_table,
)
from .trends import Trend, trend, trend_table

COUNT = "count"  # the headline number of records, named like the rows' ``count``


@dataclass(frozen=True)
class Section:
    """One kind of record on the dashboard: its headline numbers, its tables and its trend."""

    key: str
    title: str
    numbers: list[Cell]
    number_labels: list[str]
    tables: list[Table]
    trend: Trend
    export_url: str
    total: int
    note: str = ""
    comparison: list[Comparison] | None = None
    # A second row of numbers (``RecordKind.more_numbers``), each with its comparison.
    more_cards: list[tuple[str, Cell, Comparison | None]] | None = None

    @property
    def cards(self) -> list[tuple[str, Cell]]:
        return list(zip(self.number_labels, self.numbers, strict=True))

    @property
    def compared_cards(self) -> list[tuple[str, Cell, Comparison | None]]:
        """The cards, each with its number over the previous period (``None`` without one)."""
        compared = self.comparison or [None] * len(self.numbers)
        return list(zip(self.number_labels, self.numbers, compared, strict=True))


def _text(unit: str, value) -> str:
    if unit == "duration":
        return average_duration_text(value)
    if unit == "count":
        return str(value)
    return number_text(value)


def _measure_cell(kind: RecordKind, name: str, row: dict, links: Links) -> Cell:
    """A measure of ``row`` as a cell linked to the records it is computed over."""
    if name == COUNT:
        return count_cell(row[COUNT], links())
    measure = kind.measure(name)
    if measure.how == "rate":
        counted = kind.measure(measure.of)
        return rate_cell(row[name], row[measure.of], links(**counted.link))
    return Cell(row[name], _text(measure.unit, row[name]), links(**measure.link))


def _change(kind: RecordKind, name: str) -> tuple[str, str]:
    """How a headline number's change reads and which way is better."""
    if name == COUNT:
        return "count", ""
    measure = kind.measure(name)
    return measure.unit, measure.better


def _headline(kind: RecordKind, facts: Facts, names=None) -> tuple[list[Cell], list]:
    """The headline numbers (or ``names``) as cells, and their raw values for the comparison."""
    links = Links(kind.model, facts.filterset)
    summary = facts.summary()
    row = {COUNT: summary["total"], **summary}
    cells = [_measure_cell(kind, name, row, links) for name in names or kind.headline]
    return cells, [cell.value for cell in cells]


def _compared(kind, names, cells, values, before_facts, label) -> list:
    """``(label, cell, comparison)`` of each of ``names``, compared when there is a before."""
    compared = [None] * len(cells)
    if before_facts is not None:
        before, _ = _headline(kind, before_facts, names)
        changes = [(value, *_change(kind, name)) for value, name in zip(values, names, strict=True)]
        compared = comparisons(changes, before, label)
    labels = [kind.measure(name).label for name in names]
    return list(zip(labels, cells, compared, strict=True))


def _workflows_table(kind: RecordKind, rows: list[dict], links: Links) -> Table:
    """Every workflow with its records and the kind's ``by_workflow`` measures."""
    table_rows = []
    for row in rows:
        narrowed = links.narrowed(workflow_id=row["workflow_id"])
        name = row["workflow_name"] or row["workflow_id"]
        table_rows.append(
            (
                Cell(row["workflow_id"], name, narrowed(), name=name),
                *(
                    _measure_cell(kind, measure, row, narrowed)
                    for measure in (COUNT, *kind.by_workflow)
                ),
            )
        )
    labels = [kind.measure(name).label for name in kind.by_workflow]
    return Table(
        key=f"{kind.table_prefix}-workflows",
        title="Workflows",
        headers=("Workflow", "Count", *labels),
        rows=table_rows,
    )


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _counts_right_party(kind: RecordKind) -> bool:
    return any(measure.name == "right_party_rate" for measure in kind.measures)


def _heatmaps(kind: RecordKind, rows: list[dict], links: Links) -> list[Table]:
    """When customers answer, and, where the kind counts them, when the right party does."""
    prefix, flag = kind.table_prefix, kind.flag_label.lower()
    heatmaps = [
        _heatmap_table(
            kind, rows, links, f"{kind.flag}_rate", f"{prefix}-hours",
            f"When customers answer: {flag} share by weekday and hour",
        )
    ]  # fmt: skip
    if _counts_right_party(kind):
        heatmaps.append(
            _heatmap_table(
                kind, rows, links, "right_party_rate", f"{prefix}-right-party-hours",
                "When the right party answers: right-party share by weekday and hour",
            )
        )  # fmt: skip
    return heatmaps


def _heatmap_table(
    kind: RecordKind, rows: list[dict], links: Links, rate: str, key: str, title: str
) -> Table:
    """Weekday by hour: the share ``rate`` names of each cell, shaded, its counts on hover,
    each cell opening its records."""
    cells = {(row["weekday"], row["hour"]): row for row in rows}
    counted = [(f"{kind.flag}_count", kind.flag_label.lower())]
    if _counts_right_party(kind):
        counted.append(("right_party_count", "right party"))
    table_rows = []
    for weekday in range(1, 8):
        line = [Cell(WEEKDAYS[weekday - 1], WEEKDAYS[weekday - 1])]
        for hour in range(24):
            row = cells.get((weekday, hour))
            if row is None:
                line.append(Cell(None, "", hint="no records"))
                continue
            share = row[rate]
            hint = ", ".join(
                [f"{row['count']} {kind.label.lower()}"]
                + [f"{row[name]} {words}" for name, words in counted]
            )
            line.append(
                Cell(
                    share,
                    NO_VALUE if share is None else f"{round(share * 100)}%",
                    links(weekday=weekday, hour=hour),
                    shade=share or 0,
                    hint=hint,
                )
            )
        table_rows.append(tuple(line))
    return Table(
        key=key,
        title=title,
        headers=("Weekday", *(str(hour) for hour in range(24))),
        rows=table_rows,
        wide=True,
    )


def section(
    kind: RecordKind,
    filterset,
    export_url: Callable[[str], str],
    previous=None,
    previous_label: str = "",
    note: str = "",
    user=None,
) -> Section:
    """The records of ``kind`` under ``filterset``.

    With ``previous`` (the same filters over the period just before), each headline number also
    shows its value then, linked to those records, and how it moved.
    """
    facts = Facts(kind, filterset, user)
    links = Links(kind.model, filterset)
    numbers, values = _headline(kind, facts)
    total = numbers[0].value
    comparison = None
    before_facts = Facts(kind, previous, user) if previous is not None else None
    if before_facts is not None:
        before, _ = _headline(kind, before_facts)
        changes = [
            (value, *_change(kind, name)) for value, name in zip(values, kind.headline, strict=True)
        ]
        comparison = comparisons(changes, before, previous_label)
    more_cards = None
    if kind.more_numbers:
        more, more_values = _headline(kind, facts, kind.more_numbers)
        more_cards = _compared(
            kind, kind.more_numbers, more, more_values, before_facts, previous_label
        )
    prefix = kind.table_prefix
    tables = []
    for dimension in kind.dimensions:
        if dimension.table not in ("by_workflow", "split"):
            continue
        grouped = [WORKFLOW.key] if dimension.table == "by_workflow" else []
        rows = facts.count([*grouped, dimension.key])
        words = labels_for(
            kind.key, dimension.key, [r[dimension.key] for r in rows], facts.accounts
        )
        key = f"{prefix}-{dimension.slug}"
        if dimension.table == "by_workflow":
            tables.append(
                by_workflow_table(
                    key, dimension, rows, links, kind.flag, kind.flag_label, labels=words
                )
            )
        else:
            tables.append(
                split_table(
                    key, dimension.title, dimension.label, rows, dimension.key, total, links, words
                )
            )
    if kind.by_workflow:
        tables.append(_workflows_table(kind, facts.count([WORKFLOW.key]), links))
    if any(dimension.table == "heatmap" for dimension in kind.dimensions):
        tables += _heatmaps(kind, facts.count(["weekday", "hour"]), links)
    daily = trend(
        f"{kind.label} per day", kind.flag_label.lower(), filterset, facts.daily(), kind.flag, links
    )
    tables.append(
        trend_table(f"{prefix}-daily", daily, kind.label, kind.flag_label, links, kind.flag)
    )
    return Section(
        key=kind.key,
        title=kind.label,
        numbers=numbers,
        number_labels=[
            kind.label if name == COUNT else kind.measure(name).label for name in kind.headline
        ],
        tables=tables,
        trend=daily,
        export_url=export_url(links.query),
        total=total,
        note=note,
        comparison=comparison,
        more_cards=more_cards,
    )


def table_by_key(sections: Iterable[Section], key: str) -> Table | None:
    return next((t for section in sections for t in section.tables if t.key == key), None)
