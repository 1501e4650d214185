"""The dashboard's period and filters: which query parameters it reads, and their defaults.

Calls and chat sessions are filtered by their own FilterSets (the same as the API's and the
admin's); the dashboard passes each only the parameters it shares with the page.
"""

import datetime as dt
from collections.abc import Iterable

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
