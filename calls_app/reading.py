"""What the reading side offers of calls: splits, numbers and filters, declared once.

Days are days of ``started_at``. Talk time and rounds are averaged over answered calls only
(an unanswered call has neither), so they open the answered calls.
"""

from django.db.models import Q

from records import reading
from records.reading import Dimension, Measure, RecordKind

from .erasure import call_results_erasure
from .exports import CALL_RESULTS_CSV
from .filters import CallResultFilter
from .models import CallResult

ANSWERED = Q(answered=True)

CALLS = RecordKind(
    key="calls",
    label="Calls",
    model=CallResult,
    filterset=CallResultFilter,
    csv=CALL_RESULTS_CSV,
    api_list="call-list",
    day_field="started_at",
    flag="answered",
    flag_label="Answered",
    position=0,
    dimensions=(
        reading.HOUR,
        reading.WEEKDAY,
        reading.OUTCOME_GROUP,
        Dimension("intention", "Intention", table="by_workflow", title="Intentions"),
        Dimension("hangup_type", "Hangup type", table="split", title="Hangup types"),
        Dimension("ring_type", "Ring type", table="split", title="Ring types"),
        Dimension("answered", "Answered", rolled=False),
    ),
    measures=(
        Measure("answered_count", "Answered", "count", condition=ANSWERED, link={"answered": True}),
        Measure("answered_rate", "Answered", "rate", of="answered_count", better="higher"),
        Measure(
            "average_talk_seconds",
            "Average talk time",
            "average",
            field="talk_seconds",
            condition=ANSWERED,
            unit="duration",
            link={"answered": True},
        ),
        Measure(
            "average_rounds",
            "Average rounds",
            "average",
            field="talk_round",
            condition=ANSWERED,
            link={"answered": True},
        ),
        *reading.COLLECTIONS_MEASURES,
    ),
    headline=("count", "answered_rate", "average_talk_seconds", "average_rounds"),
    more_numbers=reading.COLLECTIONS_NUMBERS,
    changed_with=(("collections_app.Contact", "call_result", "occurred_at"),),
    by_workflow=("answered_rate", "average_talk_seconds"),
    filters=("workflow_id", "robot_id", "intention", "outcome_group"),
    rolled_keys={"robot_id": "robot_id"},
    # Under a filter on intention or outcome group, the other tables come from the rollups.
    crossed=(
        ("intention", "outcome_group"),
        ("intention", "hour"),
        ("intention", "hangup_type"),
        ("intention", "ring_type"),
        ("outcome_group", "hour"),
        ("outcome_group", "hangup_type"),
        ("outcome_group", "ring_type"),
    ),
    expires=("call results", "last_pushed_at"),
    erase=call_results_erasure,
)
