"""Phone numbers, matched by one rule everywhere: two numbers are one when their keys are equal.

Ingestion stores each number's key next to it (``phone_key``); the FilterSets' ``callee``
parameter, the admin's search and a customer's history all compare keys through ``phone_match``,
so ``+62 812-3456``, ``628123456`` and a URL whose ``+`` became a space find the same records.
"""

import re
from collections.abc import Sequence

from django.db.models import Q

# What people and systems put between digits; none of it tells two numbers apart.
_PUNCTUATION = re.compile(r"[\s\-().]")
# A search term that is a phone number, however it is spaced (AI Rudder masks digits with x).
_PHONE_TERM = re.compile(r"^\+?[\d\sx\-().]{4,}$")
_NOTHING = Q(pk__in=[])


def phone_key(number: str) -> str:
    """The number without spacing, dashes, brackets or its leading ``+``.

    ``+62 812-3456`` and ``628123456`` are one customer. Other characters are kept (AI Rudder's
    examples mask digits with ``x``), so two different masked numbers do not collapse into one.
    """
    return _PUNCTUATION.sub("", number or "").lstrip("+").lower()


def phone_match(number: str, key_fields: Sequence[str], *, partial: bool = False) -> Q:
    """Records whose number in any of ``key_fields`` (phone keys) is ``number``.

    ``partial`` (the admin's search) also finds numbers that contain it. A number without a key
    (only punctuation) matches nothing rather than every record without a number.
    """
    key = phone_key(number)
    if not key:
        return _NOTHING
    lookup = "__contains" if partial else ""
    match = Q()
    for field in key_fields:
        match |= Q(**{f"{field}{lookup}": key})
    return match


def is_phone_term(term: str) -> bool:
    """Whether a search term reads as a phone number rather than a name or an id."""
    return bool(_PHONE_TERM.match(term.strip())) and bool(phone_key(term))
