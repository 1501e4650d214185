"""How the admin, the dashboard and the customer history print values they all show.

One format per kind of value, so that a call's talk time and a chat session's duration read the
same on every page (``2 min 5 s``), whichever app shows them, and every time reads
``2025-04-15 13:41:09 WIB``: to the second, with its zone.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

NO_VALUE = "\N{EN DASH}"  # an average or rate of nothing


def duration_text(seconds: float | None, *, unknown: str = "") -> str:
    """``9 s``, ``2 min 5 s``, ``1 h 2 min``: how long something lasted, at a glance.

    Fractions (an average) are rounded to the second; ``unknown`` is shown when there is no
    duration (the admin leaves the cell empty, the dashboard shows a dash).
    """
    if seconds is None:
        return unknown
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The same, with the zone, in a template: ``{{ value|date:"Y-m-d H:i:s T" }}``.
TIME_FORMAT_DJANGO = "Y-m-d H:i:s T"


def _zone(zone: str | dt.tzinfo | None) -> dt.tzinfo:
    if zone is None:
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        try:
            return zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC
    return zone


def time_text(value: dt.datetime | None, zone: str | dt.tzinfo | None = None) -> str:
    """``2025-04-15 13:41:09 WIB``: ``value`` in ``zone`` (the viewer's when not given)."""
    if value is None:
        return ""
    local = value.astimezone(_zone(zone)) if timezone.is_aware(value) else value
    name = local.tzname() or ""
    return f"{local:{TIME_FORMAT}} {name}".strip()


def times_text(value: dt.datetime | None, account_zone: str | dt.tzinfo | None) -> str:
    """The viewer's time, then the account's in parentheses where it reads differently:
    ``2025-04-15 06:41:09 UTC (2025-04-15 13:41:09 WIB)``."""
    here = time_text(value)
    there = time_text(value, account_zone) if account_zone else here
    return here if there == here else f"{here} ({there})"
