"""Phone numbers as a key for matching one customer across calls and chat sessions."""

import re

# What people and systems put between digits; none of it tells two numbers apart.
_PUNCTUATION = re.compile(r"[\s\-().]")


def phone_key(number: str) -> str:
    """The number without spacing, dashes, brackets or its leading ``+``.

    ``+62 812-3456`` and ``628123456`` are one customer. Other characters are kept (AI Rudder's
    examples mask digits with ``x``), so two different masked numbers do not collapse into one.
    """
    return _PUNCTUATION.sub("", number or "").lstrip("+").lower()
