"""The dashboard's calls: how many, how many answered, talk time and rounds, and their splits."""

from collections.abc import Callable

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from calls_app.outcomes import CALL_OUTCOMES as OUTCOMES

from .formatting import average_duration_text, number_text
from .tables import Cell, Links, Section, count_cell, intentions_table, rate_cell, split_table
from .trends import trend, trend_table


def calls_section(filterset: CallResultFilter, export_url: Callable[[str], str]) -> Section:
    """The calls under ``filterset``; averages are over answered calls, so they link to those."""
    calls = filterset.qs
    links = Links(CallResult, filterset)
    summary = OUTCOMES.summary(calls)
    total = summary["total"]
    answered_url = links(answered=True)
    talk = summary["average_talk_seconds"]
    numbers = [
        count_cell(total, links()),
        rate_cell(summary, "answered", answered_url),
        Cell(talk, average_duration_text(talk), answered_url),
        Cell(summary["average_rounds"], number_text(summary["average_rounds"]), answered_url),
    ]
    by_intention = OUTCOMES.count(calls, ["workflow", "intention"])
    hangups = OUTCOMES.count(calls, ["hangup_type"])
    rings = OUTCOMES.count(calls, ["ring_type"])
    daily = trend("Calls per day", "answered", filterset, OUTCOMES.daily(calls), "answered", links)
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
    )
