"""The dashboard's calls: how many, how many answered, talk time and rounds, and their splits."""

from collections.abc import Callable

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult

from .formatting import average_duration_text, number_text
from .rollups import CALLS, Facts
from .tables import (
    Cell,
    Links,
    Section,
    comparisons,
    count_cell,
    intentions_table,
    rate_cell,
    split_table,
)
from .trends import trend, trend_table

KINDS = ("count", "rate", "duration", "number")  # how each headline number's change reads


def _numbers(counted: Facts) -> tuple[list[Cell], list]:
    """The headline numbers as cells, and their raw values for the comparison."""
    links = Links(CallResult, counted.filterset)
    summary = counted.summary()
    answered_url = links(answered=True)
    talk = summary["average_talk_seconds"]
    cells = [
        count_cell(summary["total"], links()),
        rate_cell(summary, "answered", answered_url),
        Cell(talk, average_duration_text(talk), answered_url),
        Cell(summary["average_rounds"], number_text(summary["average_rounds"]), answered_url),
    ]
    values = [summary["total"], summary["answered_rate"], talk, summary["average_rounds"]]
    return cells, values


def calls_section(
    filterset: CallResultFilter,
    export_url: Callable[[str], str],
    previous: CallResultFilter | None = None,
    previous_label: str = "",
) -> Section:
    """The calls under ``filterset``; averages are over answered calls, so they link to those.

    With ``previous`` (the same filters over the period just before), each headline number also
    shows its value then, linked to those records, and how it moved.
    """
    counted = Facts(CALLS, filterset)
    links = Links(CallResult, filterset)
    numbers, values = _numbers(counted)
    total = numbers[0].value
    comparison = None
    if previous is not None:
        before, _ = _numbers(Facts(CALLS, previous))
        comparison = comparisons(list(zip(values, KINDS, strict=True)), before, previous_label)
    by_intention = counted.count(["workflow", "intention"])
    hangups = counted.count(["hangup_type"])
    rings = counted.count(["ring_type"])
    daily = trend("Calls per day", "answered", filterset, counted.daily(), "answered", links)
    tables = [
        intentions_table("call-intentions", by_intention, links, "answered", "Answered"),
        split_table(
            "call-hangup-types", "Hangup types", "Hangup type", hangups, "hangup_type", total, links
        ),
        split_table("call-ring-types", "Ring types", "Ring type", rings, "ring_type", total, links),
        trend_table("call-daily", daily, "Calls", "Answered", links, "answered"),
    ]
    return Section(
        key="calls",
        title="Calls",
        numbers=numbers,
        number_labels=["Calls", "Answered", "Average talk time", "Average rounds"],
        tables=tables,
        trend=daily,
        export_url=export_url(links.query),
        total=total,
        comparison=comparison,
    )
