"""The dashboard's period and filters: which query parameters it reads, and their defaults.

Calls and chat sessions are filtered by their own FilterSets (the same as the API's and the
admin's); the dashboard passes each only the parameters it shares with the page.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession

DEFAULT_DAYS = 7
# The dashboard's own filters; channel narrows chat sessions only (calls have no channel).
CALL_PARAMETERS = ("date_from", "date_to", "workflow_id", "robot_id")
SESSION_PARAMETERS = (*CALL_PARAMETERS, "channel")


def default_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def dashboard_data(query: QueryDict) -> QueryDict:
    """The dashboard's parameters from a request's query; absent dates default to the last week.

    A date present but empty stays empty: the user asked for an open range. Repeated values
    (``workflow_id=A&workflow_id=B``, from a link) are kept, as every other surface keeps them.
    """
    data = QueryDict(mutable=True)
    for name in SESSION_PARAMETERS:
        values = [value for value in query.getlist(name) if value]
        if values:
            data.setlist(name, values)
    date_from, date_to = default_dates()
    if "date_from" not in query:
        data["date_from"] = date_from.isoformat()
    if "date_to" not in query:
        data["date_to"] = date_to.isoformat()
    return data


@dataclass(frozen=True)
class Preset:
    """A period one click away: a link that sets ``date_from`` and ``date_to``."""

    key: str
    label: str
    date_from: dt.date
    date_to: dt.date


def presets(today: dt.date | None = None) -> list[Preset]:
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - dt.timedelta(days=1)
    return [
        Preset("today", "Today", today, today),
        Preset("yesterday", "Yesterday", yesterday, yesterday),
        Preset("7d", "Last 7 days", today - dt.timedelta(days=6), today),
        Preset("30d", "Last 30 days", today - dt.timedelta(days=29), today),
        Preset("90d", "Last 90 days", today - dt.timedelta(days=89), today),
        Preset("this-month", "This month", first_of_month, today),
        Preset("last-month", "Last month", last_month_end.replace(day=1), last_month_end),
    ]


def _date(data: QueryDict, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(data.get(name, ""))
    except ValueError:
        return None  # the FilterSet names a malformed date


def range_errors(data: QueryDict) -> dict[str, list[str]]:
    """A range that ends before it starts selects nothing: refused, saying so."""
    date_from, date_to = _date(data, "date_from"), _date(data, "date_to")
    if date_from and date_to and date_from > date_to:
        return {
            "date_from": [
                f"The period starts ({date_from:%Y-%m-%d}) after it ends ({date_to:%Y-%m-%d}):"
                " swap the dates or pick a period."
            ]
        }
    return {}


def previous_period(data: QueryDict) -> QueryDict | None:
    """The same parameters over the period of the same length just before, or ``None`` for an
    open range (nothing to compare with)."""
    date_from, date_to = _date(data, "date_from"), _date(data, "date_to")
    if not (date_from and date_to) or date_from > date_to:
        return None
    length = (date_to - date_from).days + 1
    previous = data.copy()
    previous["date_to"] = (date_from - dt.timedelta(days=1)).isoformat()
    previous["date_from"] = (date_from - dt.timedelta(days=length)).isoformat()
    return previous


def _only(data: QueryDict, names: Iterable[str]) -> QueryDict:
    subset = QueryDict(mutable=True)
    for name in names:
        if name in data:
            subset.setlist(name, data.getlist(name))
    return subset


def dashboard_filters(data: QueryDict) -> tuple[CallResultFilter, ChatSessionFilter]:
    return (
        CallResultFilter(data=_only(data, CALL_PARAMETERS), queryset=CallResult.objects.all()),
        ChatSessionFilter(data=_only(data, SESSION_PARAMETERS), queryset=ChatSession.objects.all()),
    )
