"""What came out of calls: totals, answered rate, talk time and rounds, splits and trends.

Counted in the database by ``records.outcomes.Outcomes`` over calls already narrowed by
``CallResultFilter``; days are days of ``started_at``. Averages of talk time and rounds are over
answered calls only: an unanswered call has neither.
"""

from django.db.models import Avg, Q

from records.outcomes import WORKFLOW, Outcomes

ANSWERED = Q(answered=True)

CALL_OUTCOMES = Outcomes(
    groups={
        "workflow": WORKFLOW,
        "intention": ("intention",),
        "hangup_type": ("hangup_type",),
        "ring_type": ("ring_type",),
        "answered": ("answered",),
        "day": ("day",),
    },
    day_field="started_at",
    flag="answered",
    averages={
        "average_talk_seconds": Avg("talk_seconds", filter=ANSWERED),
        "average_rounds": Avg("talk_round", filter=ANSWERED),
    },
)
