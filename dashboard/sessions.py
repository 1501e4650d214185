"""The dashboard's chat sessions: how many, how many handed to an agent, how long, and splits."""

from collections.abc import Callable

from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession
from sessions_app.outcomes import CHAT_SESSION_OUTCOMES as OUTCOMES

from .formatting import average_duration_text
from .tables import Cell, Links, Section, count_cell, intentions_table, rate_cell, split_table
from .trends import trend, trend_table


def sessions_section(filterset: ChatSessionFilter, export_url: Callable[[str], str]) -> Section:
    sessions = filterset.qs
    links = Links(ChatSession, filterset)
    summary = OUTCOMES.summary(sessions)
    total = summary["total"]
    duration = summary["average_duration_seconds"]
    numbers = [
        count_cell(total, links()),
        rate_cell(summary, "handed_over", links(handed_over=True)),
        Cell(duration, average_duration_text(duration), links()),
    ]
    reasons = OUTCOMES.count(sessions, ["end_reason"])
    by_intention = OUTCOMES.count(sessions, ["workflow", "intention"])
    daily = trend(
        "Chat sessions per day",
        "handed over",
        filterset,
        OUTCOMES.daily(sessions),
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
    )
