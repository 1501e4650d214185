"""How the admin, the dashboard and the customer history print values they all show.

One format per kind of value, so that a call's talk time and a chat session's duration read the
same on every page (``2 min 5 s``), whichever app shows them.
"""

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
