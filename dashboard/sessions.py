"""The dashboard's chat sessions: how many, how many handed to an agent, how long, and splits."""

from collections.abc import Callable

from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession

from .formatting import average_duration_text
from .rollups import SESSIONS, Facts
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

KINDS = ("count", "rate", "duration")  # how each headline number's change reads


def _numbers(counted: Facts) -> tuple[list[Cell], list]:
    links = Links(ChatSession, counted.filterset)
    summary = counted.summary()
    duration = summary["average_duration_seconds"]
    cells = [
        count_cell(summary["total"], links()),
        rate_cell(summary, "handed_over", links(handed_over=True)),
        Cell(duration, average_duration_text(duration), links()),
    ]
    return cells, [summary["total"], summary["handed_over_rate"], duration]


def sessions_section(
    filterset: ChatSessionFilter,
    export_url: Callable[[str], str],
    previous: ChatSessionFilter | None = None,
    previous_label: str = "",
) -> Section:
    counted = Facts(SESSIONS, filterset)
    links = Links(ChatSession, filterset)
    numbers, values = _numbers(counted)
    total = numbers[0].value
    comparison = None
    if previous is not None:
        before, _ = _numbers(Facts(SESSIONS, previous))
        comparison = comparisons(list(zip(values, KINDS, strict=True)), before, previous_label)
    reasons = counted.count(["end_reason"])
    by_intention = counted.count(["workflow", "intention"])
    daily = trend(
        "Chat sessions per day",
        "handed over",
        filterset,
        counted.daily(),
        "handed_over",
        links,
    )
    tables = [
        split_table(
            "session-end-reasons", "End reasons", "End reason", reasons, "end_reason", total, links
        ),
        intentions_table("session-intentions", by_intention, links, "handed_over", "Handed over"),
        trend_table("session-daily", daily, "Sessions", "Handed over", links, "handed_over"),
    ]
    return Section(
        key="sessions",
        title="Chat sessions",
        numbers=numbers,
        number_labels=["Chat sessions", "Handed to an agent", "Average duration"],
        tables=tables,
        trend=daily,
        export_url=export_url(links.query),
        total=total,
        comparison=comparison,
    )
