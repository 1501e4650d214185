"""What came out of chat sessions: totals, hand-overs, duration and rounds, splits and trends.

Counted in the database by ``records.outcomes.Outcomes`` over sessions already narrowed by
``ChatSessionFilter``; days are days of ``ended_at``.
"""

from django.db.models import Avg

from records.outcomes import WORKFLOW, Outcomes

CHAT_SESSION_OUTCOMES = Outcomes(
    groups={
        "workflow": WORKFLOW,
        "intention": ("intention",),
        "end_reason": ("end_reason",),
        "channel": ("channel",),
        "handed_over": ("handed_over",),
        "day": ("day",),
    },
    day_field="ended_at",
    flag="handed_over",
    averages={
        "average_duration_seconds": Avg("duration_seconds"),
        "average_rounds": Avg("talk_round"),
    },
)
