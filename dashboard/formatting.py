"""How the dashboard writes its numbers: rates as percentages, averages, empty labels.

Durations use the project's one format (``records.display``); a rate or an average of
nothing is a dash, not ``0``.
"""

from typing import Any

from records.display import NO_VALUE, duration_text

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


MINUS = "\N{MINUS SIGN}"


def _signed(value: float, text: str) -> str:
    return f"+{text}" if value > 0 else f"{MINUS}{text}" if value < 0 else text


def change_text(current: float | None, previous: float | None, kind: str) -> str:
    """How ``current`` moved from ``previous``: ``+3 (+12.5%)`` for counts, ``+4.5 pts`` for
    rates (ratios), ``+12 s`` for durations, ``+0.4`` for other averages; a dash when either is
    missing, ``no change`` when equal."""
    if current is None or previous is None:
        return NO_VALUE
    delta = current - previous
    if abs(delta) < 1e-9:
        return "no change"
    if kind == "count":
        text = _signed(delta, f"{abs(delta):g}")
        if not previous:
            return text
        return f"{text} ({_signed(delta, f'{abs(delta) / previous * 100:.1f}%')})"
    if kind == "rate":
        return _signed(delta, f"{abs(delta) * 100:.1f} pts")
    if kind == "duration":
        return _signed(delta, duration_text(abs(delta)))
    return _signed(delta, f"{abs(delta):.1f}")
