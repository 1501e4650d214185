"""How the dashboard writes its numbers: rates as percentages, averages, empty labels.

Durations use the project's one format (``integrations.display``); a rate or an average of
nothing is a dash, not ``0``.
"""

from typing import Any

from integrations.display import NO_VALUE, duration_text

BLANK_LABEL = "(none)"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent_text(ratio: float | None) -> str:
    return NO_VALUE if ratio is None else f"{ratio * 100:.1f}%"


def average_duration_text(seconds: float | None) -> str:
    return duration_text(seconds, unknown=NO_VALUE)


def number_text(value: float | None, digits: int = 1) -> str:
    return NO_VALUE if value is None else f"{value:.{digits}f}"


def label(value: Any) -> str:
    return BLANK_LABEL if value in ("", None) else str(value)
