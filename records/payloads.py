"""Typed reading of AI Rudder payloads at the boundary.

Every reader names the field by its full path (``messages[3].content.type``) when the value cannot
be read, so that a failed event says exactly what was wrong. Values that are merely unexpected
(a new enum value, ``null`` where a string was documented) are not errors: AI Rudder documents
its fields loosely and lets customers configure them, so they are kept as they came.
"""

import datetime as dt
import decimal
import math
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

_MISSING = object()

# The years a time read from a payload may fall in, inclusive. AI Rudder's notifications are about
# conversations and calls of the present: a time outside these years is a wrong value, and one
# near Python's limits (``0001-01-01T00:00:00+14:00``) cannot even be converted to UTC, which
# every list, export and API answer that shows it would need.
FIRST_YEAR, LAST_YEAR = 1970, 2100


class PayloadError(ValueError):
    """A field that cannot be read; ``field`` is its path in the payload."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean", str: "a string"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_INTEGER = re.compile(r"\s*-?(?P<digits>[0-9]+)\s*", re.ASCII)
_MAX_DIGITS = 30

# Levels of nesting allowed inside a value kept as it came (AI Rudder's deepest is about 10).
MAX_DEPTH = 32

# A NUL is refused by PostgreSQL in text and in jsonb; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def _check_text(value: str, path: str, subject: str = "") -> None:
    found = _UNSTORABLE.search(value)
    if found is None:
        return
    if found.group() == "\x00":
        problem = "contains a NUL character (\\u0000), which cannot be stored"
    else:
        problem = f"contains a lone surrogate ({found.group()!r}), which is not Unicode text"
    raise PayloadError(path, f"{subject} {problem}" if subject else problem)


def _key_path(path: str, key: str) -> str:
    if _NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{_shown(key)}]"


def _check_storable(value: Any, path: str) -> None:
    """Raise ``PayloadError`` naming the first value inside ``value`` that cannot be stored.

    Iterative, so that nesting is reported, not a ``RecursionError``.
    """
    pending = [(value, path, 0)]
    while pending:
        item, where, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, float) and not math.isfinite(item):
            raise PayloadError(where, f"{item} is not a number that can be stored")
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise PayloadError(where, f"is nested deeper than {MAX_DEPTH} levels")
            if isinstance(item, list):
                entries = [(child, f"{where}[{index}]") for index, child in enumerate(item)]
            else:
                entries = []
                for key, child in item.items():
                    child_path = _key_path(where, str(key))
                    _check_text(str(key), child_path, subject="its name")
                    entries.append((child, child_path))
            pending.extend(
                (child, child_path, depth + 1) for child, child_path in reversed(entries)
            )


def _shown(value: Any, limit: int = 60) -> str:
    """``value``'s repr for an error message, cut short: a message must not carry a huge value."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[: limit - 5]}…({len(shown)} chars)"


class Payload:
    """A JSON object and its path, read field by field with type checks."""

    def __init__(self, data: Any, path: str = ""):
        if not isinstance(data, dict):
            raise PayloadError(path or "body", f"expected an object, got {_type_name(data)}")
        self.data = data
        self.path = path

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, *, required: bool = False) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or (required and value in (None, "")):
            if required:
                raise PayloadError(self.field(key), "is required")
            return None
        return value

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        """A string; numbers are accepted as their text, ``null`` and absence as ``""``.

        One longer than ``max_length`` fails naming the field: it is never truncated.
        """
        value = self.raw(key, required=required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise PayloadError(self.field(key), f"expected a string, got {_type_name(value)}")
        value = str(value)
        _check_text(value, self.field(key))
        if max_length is not None and len(value) > max_length:
            raise PayloadError(self.field(key), f"is longer than {max_length} characters")
        return value

    def text_for(self, key: str, model, column: str | None = None, *, required: bool = False):
        """A string to store in ``model``'s ``column`` (named ``key`` by default), within its size.

        Without this a value too long for a column would fail on PostgreSQL with a database
        error that names no field (SQLite would store it whole).
        """
        limit = model._meta.get_field(column or key).max_length
        return self.text(key, required=required, max_length=limit)

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: int = INT64_MIN,
        maximum: int = INT64_MAX,
    ) -> int | None:
        """An integer from ``minimum`` to ``maximum`` (64 bits by default); a string of digits
        (with at most one ``-``) counts, a float with no fraction too."""
        value = self.raw(key, required=required)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise PayloadError(self.field(key), "expected an integer, got a boolean")
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, str) and (match := _INTEGER.fullmatch(value)):
            if len(match["digits"]) > _MAX_DIGITS:
                raise PayloadError(self.field(key), f"{_shown(value)} is too large an integer")
            number = int(value)
        else:
            raise PayloadError(self.field(key), f"expected an integer, got {_shown(value)}")
        if not minimum <= number <= maximum:
            raise PayloadError(
                self.field(key), f"{_shown(number)} is not an integer from {minimum} to {maximum}"
            )
        return number

    def integer_for(self, key: str, model, column: str | None = None, *, required: bool = False):
        """An integer within the range of ``model``'s integer ``column`` (named ``key`` by default).

        The ranges are Django's for each field type (``IntegerField``: 32 bits), the same on every
        database, so that SQLite, which stores any integer, agrees with PostgreSQL.
        """
        from django.db.backends.base.operations import BaseDatabaseOperations

        internal_type = model._meta.get_field(column or key).get_internal_type()
        minimum, maximum = BaseDatabaseOperations.integer_field_ranges[internal_type]
        return self.integer(key, required=required, minimum=minimum, maximum=maximum)

    def _typed(self, key: str, kind: type, required: bool) -> Any:
        value = self.raw(key, required=required)
        if value is None or value == "":
            return kind()
        if not isinstance(value, kind):
            expected = _type_name(kind())
            raise PayloadError(self.field(key), f"expected {expected}, got {_type_name(value)}")
        return value

    def mapping(self, key: str, *, required: bool = False) -> dict:
        """An object, to be kept as it came: nothing in it may be unstorable (see ``kept``)."""
        value = self._typed(key, dict, required)
        _check_storable(value, self.field(key))
        return value

    def array(self, key: str, *, required: bool = False) -> list:
        """An array, to be kept as it came: nothing in it may be unstorable (see ``kept``)."""
        value = self._typed(key, list, required)
        _check_storable(value, self.field(key))
        return value

    def kept(self) -> dict:
        """The whole object, to be kept as it came, once checked that it can be stored.

        A string or key with a NUL (which PostgreSQL refuses in text and in ``jsonb``) or a lone
        surrogate (which is not UTF-8), a number that is not finite, or nesting deeper than
        ``MAX_DEPTH`` levels fails naming its path.
        """
        _check_storable(self.data, self.path or "body")
        return self.data

    def child(self, key: str, *, required: bool = False) -> "Payload":
        """An object read field by field (only what is kept is checked as a whole)."""
        return Payload(self._typed(key, dict, required), self.field(key))

    def objects(self, key: str, *, required: bool = False) -> Iterator["Payload"]:
        """Each element of an array of objects, as a ``Payload`` whose path has its index."""
        for index, item in enumerate(self._typed(key, list, required)):
            yield Payload(item, f"{self.field(key)}[{index}]")

    def _in_range(self, key: str, value: dt.datetime, shown: str) -> dt.datetime:
        """``value`` (aware) if it is in UTC a time of the years ``FIRST_YEAR`` to ``LAST_YEAR``."""
        try:
            utc = value.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            utc = None
        if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR:
            raise PayloadError(
                self.field(key), f"{shown} is not a time between {FIRST_YEAR} and {LAST_YEAR}"
            )
        return value

    def unix_time(self, key: str, *, required: bool = False) -> dt.datetime | None:
        """Unix seconds (not milliseconds), in the years ``FIRST_YEAR`` to ``LAST_YEAR``."""
        value = self.integer(key, required=required)
        if value is None:
            return None
        try:
            parsed = dt.datetime.fromtimestamp(value, tz=dt.UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise PayloadError(
                self.field(key), f"{value} is not a Unix time between {FIRST_YEAR} and {LAST_YEAR}"
            ) from exc
        return self._in_range(key, parsed, str(value))

    def iso_datetime(self, key: str, *, required: bool = False) -> dt.datetime | None:
        """An ISO 8601 time; one without an offset is taken as UTC, as AI Rudder documents.

        In UTC it must fall in the years ``FIRST_YEAR`` to ``LAST_YEAR``.
        """
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise PayloadError(self.field(key), f"{_shown(value)} is not an ISO 8601 time") from exc
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        return self._in_range(key, parsed, repr(value))

    def local_datetime(
        self, key: str, tz: zoneinfo.ZoneInfo, *, required: bool = False
    ) -> dt.datetime | None:
        """A naive ``YYYY-MM-DD HH:MM:SS`` local time of the account, made aware in ``tz``.

        In UTC it must fall in the years ``FIRST_YEAR`` to ``LAST_YEAR``.
        """
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            parsed = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError as exc:
            raise PayloadError(
                self.field(key), f"{_shown(value)} is not a time of the form YYYY-MM-DD HH:MM:SS"
            ) from exc
        return self._in_range(key, parsed.replace(tzinfo=tz), repr(value))

    def date(self, key: str) -> dt.date | None:
        value = self.text(key)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise PayloadError(self.field(key), f"{value!r} is not a date (YYYY-MM-DD)") from exc

    def decimal(self, key: str) -> decimal.Decimal | None:
        value = self.text(key)
        if not value.strip():
            return None
        try:
            amount = decimal.Decimal(value.strip())
        except decimal.InvalidOperation as exc:
            raise PayloadError(self.field(key), f"{value!r} is not an amount") from exc
        if not amount.is_finite():
            raise PayloadError(self.field(key), f"{value!r} is not an amount")
        return amount
