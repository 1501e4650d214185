"""The dashboard's period and filters: which query parameters it reads, and their defaults.

Each kind of record is filtered by its own FilterSet (the same as the API's and the admin's),
given only the parameters its ``RecordKind`` offers the dashboard (``filters``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from records.reading import RecordKind, all_kinds

DEFAULT_DAYS = 7
PERIOD = ("date_from", "date_to")


def parameters() -> tuple[str, ...]:
    """The page's parameters: the period, then every kind's dashboard filters."""
    names = [name for kind in all_kinds() for name in kind.filters]
    return (*PERIOD, *dict.fromkeys(names))


def default_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def dashboard_data(query: QueryDict) -> QueryDict:
    """The dashboard's parameters from a request's query; absent dates default to the last week.

    A date present but empty stays empty: the user asked for an open range. Repeated values
    (``workflow_id=A&workflow_id=B``, from a link) are kept, as every other surface keeps them.
    """
    data = QueryDict(mutable=True)
    for name in parameters():
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
    """A range that ends before it starts selects nothing, and one with no period before it
    cannot be compared: refused, saying so."""
    date_from, date_to = _date(data, "date_from"), _date(data, "date_to")
    if date_from and date_to and date_from <= date_to and previous_period(data) is None:
        return {"date_from": [f"{date_from:%Y-%m-%d} leaves no period before it to compare with."]}
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
    try:
        previous["date_to"] = (date_from - dt.timedelta(days=1)).isoformat()
        previous["date_from"] = (date_from - dt.timedelta(days=length)).isoformat()
    except OverflowError:  # a period that starts in year 1 has nothing before it
        return None
    return previous


def _only(data: QueryDict, names: Iterable[str]) -> QueryDict:
    subset = QueryDict(mutable=True)
    for name in names:
        if name in data:
            subset.setlist(name, data.getlist(name))
    return subset


def dashboard_filters(data: QueryDict) -> list[tuple[RecordKind, object]]:
    """Each kind of record with its FilterSet over the page's parameters it offers."""
    return [
        (
            kind,
            kind.filterset(
                data=_only(data, (*PERIOD, *kind.filters)),
                queryset=kind.model._default_manager.all(),
            ),
        )
        for kind in all_kinds()
    ]
