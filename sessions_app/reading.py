"""What the reading side offers of chat sessions: splits, numbers and filters, declared once.

Days are days of ``ended_at``.
"""

from django.db.models import Q

from records import reading
from records.reading import Dimension, Measure, RecordKind

from .erasure import chat_sessions_erasure
from .exports import CHAT_SESSIONS_CSV
from .filters import ChatSessionFilter
from .models import ChatSession

SESSIONS = RecordKind(
    key="sessions",
    label="Chat sessions",
    model=ChatSession,
    filterset=ChatSessionFilter,
    csv=CHAT_SESSIONS_CSV,
    api_list="session-list",
    day_field="ended_at",
    flag="handed_over",
    flag_label="Handed over",
    position=1,
    dimensions=(
        reading.HOUR,
        reading.WEEKDAY,
        reading.OUTCOME_GROUP,
        Dimension("end_reason", "End reason", table="split", title="End reasons"),
        Dimension("intention", "Intention", table="by_workflow", title="Intentions"),
        Dimension("channel", "Channel", rolled=False),
        Dimension("handed_over", "Handed over", rolled=False),
    ),
    measures=(
        Measure(
            "handed_over_count",
            "Handed to an agent",
            "count",
            condition=Q(handed_over=True),
            link={"handed_over": True},
        ),
        Measure(
            "handed_over_rate", "Handed to an agent", "rate", of="handed_over_count", better="lower"
        ),
        Measure(
            "average_duration_seconds",
            "Average duration",
            "average",
            field="duration_seconds",
            unit="duration",
        ),
        Measure("average_rounds", "Average rounds", "average", field="talk_round"),
        *reading.COLLECTIONS_MEASURES,
    ),
    headline=("count", "handed_over_rate", "average_duration_seconds"),
    more_numbers=reading.COLLECTIONS_NUMBERS,
    changed_with=(("collections_app.Contact", "chat_session", "occurred_at"),),
    by_workflow=("handed_over_rate",),
    filters=("workflow_id", "robot_id", "channel", "intention", "outcome_group"),
    rolled_keys={"robot_id": "robot_id", "channel": "channel"},
    # Under a filter on intention or outcome group, the other tables come from the rollups.
    crossed=(
        ("intention", "outcome_group"),
        ("intention", "hour"),
        ("intention", "end_reason"),
        ("outcome_group", "hour"),
        ("outcome_group", "end_reason"),
    ),
    expires=("chat sessions", "notified_at"),
    erase=chat_sessions_erasure,
)
