"""The dashboard's cells and tables, each number with the link to the records it counts.

Links turn the FilterSet's own cleaned parameters back into a query string with one or two more
parameters (``intention=E``); the admin lists accept those parameters, so a number and the list
it opens always agree.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join

from records.filtering import admin_changelist_url, filter_params, query_string, with_params

from .formatting import change_text, label, percent_text, share


@dataclass(frozen=True)
class Cell:
    """A table value: ``value`` goes to CSV, ``text`` to the page, ``url`` opens its records."""

    value: Any
    text: str = ""
    url: str | None = None
    bar: float | None = None  # 0..100, a share drawn as a bar
    shade: float | None = None  # 0..1, a heatmap cell's strength
    hint: str = ""  # what the cell stands for, on hover (a heatmap's counts)
    name: str | None = None  # the name of what ``value`` identifies (a workflow), for CSV

    def __str__(self) -> str:
        return self.text

    @property
    def numeric(self) -> bool:
        return self.bar is not None or (
            isinstance(self.value, int | float) and not isinstance(self.value, bool)
        )


def cell_html(cell: Cell) -> str:
    """One ``<td>``: escaped text, its link, its share drawn as a bar."""
    bar = ""
    if cell.bar is not None:
        width = floatformat(cell.bar, "0u")
        bar = format_html('<span class="dash-bar" style="width: {}px"></span>', width)
    content = format_html('<a href="{}">{}</a>', cell.url, cell.text) if cell.url else cell.text
    if cell.shade is not None:
        strength = floatformat(cell.shade * 70, "0u")
        return format_html(
            '<td class="num dash-heat" title="{}" style="--heat: {}%">{}</td>',
            cell.hint,
            strength,
            content,
        )
    template = '<td class="num">{}{}</td>' if cell.numeric else "<td>{}{}</td>"
    return format_html(template, bar, content)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    label_columns: int = 1  # the leading columns that name a row rather than count it
    wide: bool = False  # the whole width of the page (a heatmap's 24 hours)

    @property
    def body_html(self) -> str:
        """The rows as HTML, built here rather than by template loops: a year of days is
        thousands of cells, which the template language renders ten times slower. Every
        value goes through ``format_html``, so it is escaped as the template would."""
        return format_html_join(
            "\n",
            "<tr>{}</tr>",
            ((format_html_join("", "{}", ((cell_html(c),) for c in row)),) for row in self.rows),
        )


@dataclass(frozen=True)
class Comparison:
    """A headline number over the previous period: its value (a link to its records) and how
    the number moved since."""

    previous: Cell
    change: str
    period: str
    direction: str = ""  # "up", "down" or "" (no change, or nothing to compare)
    tone: str = "neutral"  # "good", "bad" or "neutral": how the page colours the change

    @property
    def arrow(self) -> str:
        return {
            "up": "\N{BLACK UP-POINTING TRIANGLE}",
            "down": "\N{BLACK DOWN-POINTING TRIANGLE}",
        }.get(self.direction, "")


def _moved(value, before, better: str) -> tuple[str, str]:
    if value is None or before is None or abs(value - before) < 1e-9:
        return "", "neutral"
    direction = "up" if value > before else "down"
    if not better:
        return direction, "neutral"
    return direction, "good" if (direction == "up") == (better == "higher") else "bad"


def comparisons(
    current: list[tuple[Any, str, str]], previous: list[Cell], period: str
) -> list[Comparison]:
    """``current`` as (value, kind, better) triples: ``kind`` as in ``formatting.change_text``,
    ``better`` "higher", "lower" or "" (a change that is neither good nor bad)."""
    compared = []
    for (value, kind, better), before in zip(current, previous, strict=True):
        direction, tone = _moved(value, before.value, better)
        change = change_text(value, before.value, kind)
        compared.append(Comparison(before, change, period, direction, tone))
    return compared


class Links:
    """Admin list URLs for one model under one FilterSet's parameters, plus overrides."""

    def __init__(self, model: type[Model], filterset):
        self.model = model
        self.params = filter_params(filterset)
        # Resolved once: a year of dashboard has some 1,600 links (a URL reverse each: 0.2 s).
        self.base = admin_changelist_url(model)

    def __call__(self, **overrides) -> str:
        query = query_string(with_params(self.params, **overrides))
        return f"{self.base}?{query}" if query else self.base

    @property
    def query(self) -> str:
        return query_string(self.params)

    def narrowed(self, **overrides) -> "Links":
        """The same links with some parameters set (a workflow table's row)."""
        links = object.__new__(Links)
        links.model, links.base = self.model, self.base
        links.params = with_params(self.params, **overrides)
        return links


def count_cell(count: int, url: str) -> Cell:
    return Cell(count, str(count), url)


def share_cell(part: int, whole: int, url: str) -> Cell:
    ratio = share(part, whole)
    return Cell(
        None if ratio is None else round(ratio, 4),
        percent_text(ratio),
        url,
        bar=None if ratio is None else ratio * 100,
    )


def rate_cell(rate: float | None, count: int, url: str) -> Cell:
    """A share of records (answered, handed over), with their count."""
    return Cell(rate, f"{percent_text(rate)} ({count})", url)


def named(value, labels: dict | None) -> str:
    """A value as people read it: its account's label, the code beside it (``Paid (E)``)."""
    if labels and value in labels:
        return f"{labels[value]} ({value})"
    return label(value)


def split_table(
    key: str,
    title: str,
    header: str,
    rows: list[dict],
    field_name: str,
    total: int,
    links: Links,
    labels: dict | None = None,
) -> Table:
    """Counts per value of ``field_name``, each with its share of ``total``."""
    return Table(
        key=key,
        title=title,
        headers=(header, "Count", "Share"),
        rows=[
            (
                Cell(row[field_name], named(row[field_name], labels)),
                count_cell(row["count"], links(**{field_name: row[field_name]})),
                share_cell(row["count"], total, links(**{field_name: row[field_name]})),
            )
            for row in rows
        ],
    )


def by_workflow_table(
    key: str,
    dimension,
    rows: list[dict],
    links: Links,
    flag: str,
    flag_header: str,
    labels: dict | None = None,
) -> Table:
    """Counts per workflow and value of ``dimension``, with each value's share of its workflow."""
    name = dimension.key
    per_workflow: dict[str, int] = {}
    for row in rows:
        per_workflow[row["workflow_id"]] = per_workflow.get(row["workflow_id"], 0) + row["count"]
    rows = sorted(rows, key=lambda r: (r["workflow_name"] or r["workflow_id"], -r["count"]))
    table_rows = []
    previous = None
    for row in rows:
        url = links(workflow_id=row["workflow_id"], **{name: row[name]})
        flagged_url = links(workflow_id=row["workflow_id"], **{name: row[name], flag: True})
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
                    name=workflow,
                ),
                Cell(row[name], named(row[name], labels)),
                count_cell(row["count"], url),
                share_cell(row["count"], per_workflow[row["workflow_id"]], url),
                count_cell(row[f"{flag}_count"], flagged_url),
            )
        )
    return Table(
        key=key,
        title=f"{dimension.label}s by workflow",
        headers=("Workflow", dimension.label, "Count", "Share of workflow", flag_header),
        rows=table_rows,
        label_columns=2,
    )


def csv_columns(table: Table) -> list[tuple[str, Any]]:
    """The table's CSV columns as (header, value of a row): a column of ids that have names
    (workflows) gives the name, then the id (``Workflow``, ``Workflow id``)."""
    columns = []
    for index, header in enumerate(table.headers):
        if any(row[index].name is not None for row in table.rows):
            columns.append((header, lambda row, index=index: row[index].name))
            columns.append((f"{header} id", lambda row, index=index: row[index].value))
        else:
            columns.append((header, lambda row, index=index: row[index].value))
    return columns
