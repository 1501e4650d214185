"""Building blocks of the calls' and chat sessions' FilterSets, and the way back to a query string.

The FilterSets are the one definition of "which records" for the REST API, the dashboard, CSV
export and the admin lists. ``filter_params`` turns a validated FilterSet back into query
parameters, so a link built from one surface's filters (a dashboard number) opens exactly the
same records on another (an admin list).

Conventions of every parameter:
- dates (``date_from``, ``date_to``) are days in the project's ``TIME_ZONE``, both inclusive;
- text parameters match whole values exactly; repeating one (``intention=E&intention=F``)
  matches any of them, and ``__blank__`` matches records where the value is empty;
- booleans are ``true``/``false`` (``1``/``0`` and ``yes``/``no`` also work);
- an unreadable value is an error that names the parameter, never silently ignored.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import quote_plus

import django_filters
from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html_join

BLANK = "__blank__"

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def day_start(day: dt.date) -> dt.datetime:
    """Midnight starting ``day`` in the project's time zone, as an aware datetime."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


class DayField(forms.DateField):
    """A day whose midnight, and the next day's, exist as times in UTC (a query needs them).

    ``9999-12-31`` has no next midnight and ``0001-01-01`` in a zone east of UTC starts before
    year 1: they are errors of the parameter, not of the server.
    """

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        try:
            for day in (value, value + dt.timedelta(days=1)):
                day_start(day).astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(
                "Enter a date between 0001-01-02 and 9999-12-30.", code="out_of_range"
            ) from None


class DayFilter(django_filters.DateFilter):
    """One end of an inclusive day range on a datetime field, read in the project's time zone."""

    field_class = DayField

    def __init__(self, *args, bound: str, **kwargs):
        if bound not in ("from", "to"):
            raise ValueError("bound must be 'from' or 'to'")
        self.bound = bound
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.bound == "from":
            return qs.filter(**{f"{self.field_name}__gte": day_start(value)})
        next_day = value + dt.timedelta(days=1)
        return qs.filter(**{f"{self.field_name}__lt": day_start(next_day)})


class ValuesWidget(forms.TextInput):
    """Reads every occurrence of the parameter; empty occurrences mean "not filtered"."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        return [str(value).strip() for value in values if str(value).strip()]

    def render(self, name, value, attrs=None, renderer=None):
        """One input per value (the browsable API's form), so that submitting it keeps them."""
        values = [v for v in value if v] if isinstance(value, list | tuple) else [value]
        render = super().render
        parts = []
        for index, item in enumerate(values or [None]):
            item_attrs = attrs if index == 0 else {**(attrs or {}), "id": False}
            parts.append(render(name, item, item_attrs, renderer))
        return format_html_join("", "{}", ((part,) for part in parts))


class ValuesField(forms.Field):
    """Text values; a NUL character is an error of the parameter, as in Django's ``CharField``
    (PostgreSQL cannot compare text with one: it would be a server error)."""

    widget = ValuesWidget

    def to_python(self, value):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            return [value]
        return list(value)

    def validate(self, value):
        super().validate(value)
        if any("\x00" in str(item) for item in value):
            raise forms.ValidationError(
                "Null characters are not allowed.", code="null_characters_not_allowed"
            )


class ValuesFilter(django_filters.CharFilter):
    """Exact match on any of the given values; ``__blank__`` stands for the empty value."""

    field_class = ValuesField

    def filter(self, qs, value):
        if not value:
            return qs
        values = ["" if item == BLANK else item for item in value]
        if len(values) == 1:
            return qs.filter(**{self.field_name: values[0]})
        return qs.filter(**{f"{self.field_name}__in": values})


class StrictBooleanField(forms.Field):
    """``true``/``false``; anything else is an error rather than "no filter"."""

    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")

    def validate(self, value):
        pass  # None (not given) is a valid "no filter"


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


# --- From a FilterSet back to a query string ---------------------------------------------------


def _param_value(value) -> list[str]:
    if value is None or value == [] or value == "":
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dt.datetime):
        return [value.isoformat()]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    if isinstance(value, list | tuple):
        return [item for part in value for item in _param_value(part) or [BLANK]]
    return [str(value)]


def filter_params(filterset: django_filters.FilterSet) -> dict[str, list[str]]:
    """The query parameters a valid FilterSet was given, normalised, in declaration order."""
    if not filterset.is_valid():
        raise ValueError(f"invalid filters: {filterset.errors.as_json()}")
    params = {}
    for name, value in filterset.form.cleaned_data.items():
        values = _param_value(value)
        if values:
            params[name] = values
    return params


def filter_value(value) -> list[str]:
    """Query values for one parameter, e.g. a dashboard row's intention; ``""`` is ``__blank__``."""
    if value == "":
        return [BLANK]
    if isinstance(value, list | tuple):
        return [item for part in value for item in filter_value(part)]
    return _param_value(value)


def with_params(params: Mapping[str, Iterable[str]], **overrides) -> dict[str, list[str]]:
    """``params`` with some parameters replaced (``None`` drops one, ``""`` means blank)."""
    merged = {name: list(values) for name, values in params.items()}
    for name, value in overrides.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = filter_value(value)
    return merged


@lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    return f"{quote_plus(name)}={quote_plus(value)}"


def query_string(params: Mapping[str, Iterable[str]]) -> str:
    """As ``urlencode``; each pair encoded once per process (a dashboard links thousands of
    cells, each with the same period and filters)."""
    return "&".join(_pair(str(name), str(v)) for name, values in params.items() for v in values)


def admin_changelist_url(model, params: Mapping[str, Iterable[str]] | None = None) -> str:
    """The admin list of ``model`` filtered by the FilterSet parameters ``params``.

    The admin lists accept the FilterSet's parameters (``records.admin.list_filters``), so
    this is the same set of records the parameters select everywhere else.
    """
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:  # not registered (yet): the admin's URL scheme still names it
        url = f"{reverse('admin:index')}{opts.app_label}/{opts.model_name}/"
    query = query_string(params or {})
    return f"{url}?{query}" if query else url
