"""What collections keeps beside the records: each account's outcome vocabulary, one contact per
call or session (its outcome classified), the promises to pay and each number's health.

All but the vocabulary are derived from the records when they are processed, so they can be
rebuilt; they are deleted with their call or session.
"""

from .numbers import NumberHealth
from .outcomes import RIGHT_PARTY_GROUPS, Contact, Group, Outcome, Source
from .promises import Promise, SlotNames

__all__ = [
    "RIGHT_PARTY_GROUPS",
    "Contact",
    "Group",
    "NumberHealth",
    "Outcome",
    "Promise",
    "SlotNames",
    "Source",
]
