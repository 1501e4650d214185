"""Daily rollups of the dashboard's numbers, exact at any moment.

Closed days are counted once into ``OutcomeDay`` rows (per workflow, rolled key, and value of
each rolled dimension of the kind's ``RecordKind``); the numbers add those rows for the days
they cover to the records of the other days (today, yesterday, any day changed since its roll).
How days are chosen, kept exact and when rollups are not used: ``docs/architecture.md``.
"""

import contextlib
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from itertools import groupby

from django.apps import apps
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import ExtractIsoWeekDay, TruncDate
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from records.filtering import BLANK, day_start
from records.reading import DAY, WORKFLOW, RecordKind, all_kinds
from records.signals import rows_saved, rows_saving
from staff.services import staff_account_ids

from .models import MEASURE_SLOTS, OutcomeDay, RolledDay

logger = logging.getLogger(__name__)

PERIOD = ("date_from", "date_to")
ROLL_DAYS_AT_ONCE = 31  # days per transaction: a month of calls is one bounded query per split
ROLLED_CACHE_SECONDS = 60  # how long a query's rolled rows are kept (see ``Facts._cached``)
FEW_DAYS = 3  # days not rolled that are read once by every split rather than once per table


def _slots(kind: RecordKind) -> dict[str, str]:
    """Each stored measure's parts -> the ``OutcomeDay`` column that holds them."""
    stored = kind.stored_measures
    if len(stored) > MEASURE_SLOTS:
        raise ValueError(f"{kind.key}: more than {MEASURE_SLOTS} measures to roll up")
    slots = {}
    for index, measure in enumerate(stored, start=1):
        for part in measure.parts():
            slots[part] = f"{'n' if part.startswith('_n_') else 'sum'}_{index}"
    return slots


def layout(kind: RecordKind) -> str:
    """What a day was rolled with (zone, dimensions, measures): rows of another are not used."""
    described = "|".join(
        [
            timezone.get_default_timezone_name(),
            ",".join("|".join(split) for split in kind.rolled_splits),
            ",".join(f"{m.name}:{m.how}:{m.field}:{m.condition}" for m in kind.stored_measures),
            ",".join(kind.rolled_keys.values()),
            "endpoint",
        ]
    )
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def _today() -> dt.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def last_rollable_day() -> dt.date:
    """The day before yesterday: yesterday still takes calls that ended after midnight."""
    return _today() - dt.timedelta(days=2)


def _day_of(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return timezone.localtime(value, timezone.get_default_timezone()).date()


# --- Rolling --------------------------------------------------------------------------------


def roll_days(kind: RecordKind, first: dt.date, last: dt.date) -> int:
    """Count the records of the days ``first``..``last`` into ``OutcomeDay`` rows, one query per
    rolled dimension for the whole range; returns how many rows."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    slots = _slots(kind)
    keys = list(kind.rolled_keys.values())
    with transaction.atomic():
        states = _locked_states(kind, days)
        records = (
            kind.model._default_manager.filter(
                **{f"{kind.day_field}__gte": start, f"{kind.day_field}__lt": end}
            )
            .order_by()
            .annotate(day=TruncDate(kind.day_field, tzinfo=timezone.get_default_timezone()))
        )
        records = kind.computed(records, [d.key for d in kind.rolled_dimensions])
        rows = []
        for split in kind.rolled_splits:
            grouped = records.values(DAY, "workflow_id", "endpoint_id", *keys, *split).annotate(
                **kind.parts()
            )
            for row in grouped:
                values = ["" if row[key] is None else row[key] for key in split]
                rows.append(
                    OutcomeDay(
                        kind=kind.key,
                        day=row[DAY],
                        workflow_id=row["workflow_id"],
                        endpoint_id=row["endpoint_id"],
                        dimension="|".join(split),
                        value=values[0],
                        value2=values[1] if len(values) > 1 else "",
                        count=row["count"],
                        **{key: row[key] or "" for key in keys},
                        **{slot: row[part] or 0 for part, slot in slots.items()},
                    )
                )
        OutcomeDay.objects.filter(kind=kind.key, day__range=(first, last)).delete()
        OutcomeDay.objects.bulk_create(rows, batch_size=1000)
        RolledDay.objects.filter(pk__in=[state.pk for state in states]).update(
            dirty=False, layout=layout(kind), rolled_at=timezone.now()
        )
    return len(rows)


def _locked_states(kind: RecordKind, days: list[dt.date]) -> list[RolledDay]:
    """The days' state rows, locked in day order (created if missing): a writer of one of these
    days waits for the roll, or the roll for the writer."""
    RolledDay.objects.bulk_create(
        [RolledDay(kind=kind.key, day=day, layout=layout(kind)) for day in days],
        ignore_conflicts=True,
    )
    return list(
        RolledDay.objects.select_for_update().filter(kind=kind.key, day__in=days).order_by("day")
    )


def first_record_day(kind: RecordKind, since: dt.date | None = None) -> dt.date | None:
    """The day of the kind's first record (``since`` that day, if given): an index's first
    entry, so no day before it has any."""
    records = kind.model._default_manager.filter(**{f"{kind.day_field}__isnull": False})
    if since is not None:
        records = records.filter(**{f"{kind.day_field}__gte": day_start(since)})
    first = records.order_by(kind.day_field).values_list(kind.day_field, flat=True).first()
    return _day_of(first)


def pending_days(kind: RecordKind) -> list[dt.date]:
    """The days to roll, newest first: from the first record's day to the last rollable day,
    those not rolled, dirty, or rolled with another layout (zone, splits, measures)."""
    first = first_record_day(kind)
    last = last_rollable_day()
    if first is None or first > last:
        return []
    clean = set(
        RolledDay.objects.filter(kind=kind.key, dirty=False, layout=layout(kind)).values_list(
            "day", flat=True
        )
    )
    days = (last - first).days + 1
    return [day for day in (last - dt.timedelta(days=n) for n in range(days)) if day not in clean]


def roll_pending(limit: int | None = None) -> dict[str, int]:
    """Roll the pending days of every kind (at most ``limit`` each), newest first, a month of
    consecutive days per transaction, or a stretch with no record in one; returns the days
    rolled per kind."""
    rolled = {}
    for kind in all_kinds():
        days = pending_days(kind)[:limit]
        for first, last in _runs(days):
            while first <= last:
                following = first_record_day(kind, since=first)
                empty_until = following - dt.timedelta(days=1) if following else last
                month_end = first + dt.timedelta(days=ROLL_DAYS_AT_ONCE - 1)
                chunk_end = min(last, max(month_end, empty_until))
                roll_days(kind, first, chunk_end)
                first = chunk_end + dt.timedelta(days=1)
        rolled[kind.key] = len(days)
    return rolled


# --- Keeping them exact -----------------------------------------------------------------------


def mark_dirty(kind: RecordKind, days: Iterable[dt.date | None]) -> None:
    """Mark ``days`` (those that may be rolled: up to yesterday) to be counted from the records,
    once the writer's transaction has committed.

    After the commit, so that a writer holds no lock of the rollups while it works; the upsert
    waits for a roll of the same day that holds the row (``_locked_states``).
    """
    today = _today()
    marked = sorted({day for day in days if day is not None and day < today})
    if marked:
        transaction.on_commit(lambda: _mark(kind, marked))


def _mark(kind: RecordKind, days: list[dt.date]) -> None:
    RolledDay.objects.bulk_create(
        [RolledDay(kind=kind.key, day=day, layout=layout(kind)) for day in days],
        update_conflicts=True,
        unique_fields=["kind", "day"],
        update_fields=["dirty"],
    )


def _stored_days(kind: RecordKind):
    """Before an update, the day each record had in the database (a re-push may move a call to
    another day: both days change); one read for a row or a batch (``rows_saving``). New
    records have none."""

    def receiver(sender, instance=None, rows=(), **kwargs):
        rows = [instance] if instance is not None else rows
        stored = [row.pk for row in rows if not row._state.adding and row.pk is not None]
        days = dict(
            sender._base_manager.filter(pk__in=stored).values_list("pk", kind.day_field)
            if stored
            else ()
        )
        for row in rows:
            row._rolled_day = _day_of(days.get(row.pk))

    return receiver


def _changed(kind: RecordKind):
    def receiver(sender, instance=None, rows=(), **kwargs):
        rows = [instance] if instance is not None else rows
        days = [getattr(row, "_rolled_day", None) for row in rows]
        mark_dirty(kind, days + [_day_of(getattr(row, kind.day_field)) for row in rows])

    return receiver


def _changed_with(kind: RecordKind, link: str, time_field: str):
    """A write of rows that count in ``kind``'s numbers (contacts) marks their records' days."""

    def receiver(sender, instance=None, rows=(), **kwargs):
        rows = [instance] if instance is not None else rows
        linked = [row for row in rows if getattr(row, f"{link}_id", None) is not None]
        mark_dirty(kind, [_day_of(getattr(row, time_field)) for row in linked])

    return receiver


def connect_signals() -> None:
    """From ``DashboardConfig.ready()``: every write and delete of a record, or of a row its
    numbers count (``RecordKind.changed_with``), marks its days; a batch written at once marks
    them once (``records.signals``)."""
    for kind in all_kinds():
        uid = f"dashboard.rollups.{kind.key}"
        for signal in (pre_save, rows_saving):
            signal.connect(_stored_days(kind), sender=kind.model, weak=False, dispatch_uid=uid)
        for signal in (post_save, post_delete, rows_saved):
            signal.connect(_changed(kind), sender=kind.model, weak=False, dispatch_uid=uid)
        for label, link, time_field in kind.changed_with:
            model, receiver = apps.get_model(label), _changed_with(kind, link, time_field)
            for signal in (post_save, post_delete, rows_saved):
                signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.{label}")


# --- Reading ----------------------------------------------------------------------------------


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) ranges."""
    ordered = sorted(days)
    return [
        (run[0][1], run[-1][1])
        for _, run in (
            (key, list(group))
            for key, group in groupby(enumerate(ordered), lambda p: p[1].toordinal() - p[0])
        )
    ]


def _cast(value, timed: bool):
    """A rolled value as the records give it: an hour or a weekday is a number."""
    return int(value) if timed and value not in ("", None) else value


def _values(field: str, values: list[str]) -> Q:
    """The ``ValuesFilter`` convention on a rollup column: any of ``values``, ``__blank__``
    for the empty value (stored as ``""``, as a missing workflow is ``NULL``)."""
    wanted = ["" if value == BLANK else value for value in values]
    match = Q(**{f"{field}__in": wanted})
    if "" in wanted and field.startswith("workflow__"):
        match |= Q(workflow__isnull=True)
    return match


def _added(mine: dict, theirs: dict) -> dict:
    """Two rows of one group added up: their counts and measures' parts (names stay)."""
    return {
        name: (mine[name] or 0) + (value or 0)
        if name == "count" or name.startswith("_")
        else mine[name]
        for name, value in theirs.items()
    }


class Facts:
    """The numbers of a ``RecordKind`` (``summary``, ``count``, ``daily``) over a FilterSet's
    records, from the rollups for the clean days of the period and from the records for the
    others; the same rows, in the same shapes, as the kind counting ``filterset.qs``."""

    def __init__(self, kind: RecordKind, filterset, user=None):
        self.kind = kind
        self.filterset = filterset
        self.accounts = staff_account_ids(user) if user is not None else None
        self.records = self._visible(filterset.qs)
        self._counted: dict[tuple, list[dict]] = {}
        self._fine: tuple[list, list, list] | None = None
        self._few: bool | None = None
        self.rolled = OutcomeDay.objects.none()
        self._generation = ""
        self.split = self._split_filter()
        runs = self._runs = self._rolled_runs()
        if runs:
            span = Q()
            for first, last in runs:
                span |= Q(day__range=(first, last))
            self.records = self._outside(runs)
            rolled = OutcomeDay.objects.filter(span, kind=kind.key)
            if self.accounts is not None:
                rolled = rolled.filter(endpoint_id__in=self.accounts)
            lookups = {WORKFLOW.filter_parameter: "workflow__workflow_id", **kind.rolled_keys}
            cleaned = filterset.form.cleaned_data
            for parameter, column in lookups.items():
                if cleaned.get(parameter):
                    rolled = rolled.filter(_values(column, cleaned[parameter]))
            self.rolled = rolled

    def _outside(self, runs: list[tuple[dt.date, dt.date]]):
        """The records of the days not in ``runs``. In a closed period, the gaps between the
        runs as ranges of their own: PostgreSQL estimates those well (a few thousand records
        of the last days, joined by index), not the negations of the runs."""

        def between(first: dt.date, last: dt.date) -> Q:
            return Q(
                **{
                    f"{self.kind.day_field}__gte": day_start(first),
                    f"{self.kind.day_field}__lt": day_start(last + dt.timedelta(days=1)),
                }
            )

        cleaned = self.filterset.form.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if not (start and end):
            records = self.records
            for first, last in runs:
                records = records.exclude(between(first, last))
            return records
        gaps, day = Q(pk__in=[]), start
        for first, last in runs:
            if day < first:
                gaps |= between(day, first - dt.timedelta(days=1))
            day = last + dt.timedelta(days=1)
        if day <= end:
            gaps |= between(day, end)
        return self.records.filter(gaps)

    def _visible(self, records):
        """Only the accounts the user may see (``records.scope``)."""
        return records if self.accounts is None else records.filter(endpoint__in=self.accounts)

    def _others(self) -> list[str]:
        """The filters in force that the rollups do not carry as columns."""
        carried = (*PERIOD, WORKFLOW.filter_parameter, *self.kind.rolled_keys)
        cleaned = self.filterset.form.cleaned_data
        return [
            name
            for name, value in cleaned.items()
            if value not in (None, "", [], ()) and name not in carried
        ]

    def _split_filter(self) -> tuple[str, list[str]] | None:
        """A filter on the values of one rolled split (``intention=E``): that split's rollup
        rows of those values hold exactly the filtered records."""
        others = self._others()
        rolled = {d.filter_parameter: d.key for d in self.kind.rolled_dimensions}
        if len(others) == 1 and others[0] in rolled:
            return rolled[others[0]], self.filterset.form.cleaned_data[others[0]]
        return None

    def _rolled_runs(self) -> list[tuple[dt.date, dt.date]]:
        cleaned = self.filterset.form.cleaned_data
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if (self._others() and not self.split) or (date_from and date_to and date_from > date_to):
            return []
        last = min(date_to, last_rollable_day()) if date_to else last_rollable_day()
        days = RolledDay.objects.filter(
            kind=self.kind.key, day__lte=last, dirty=False, layout=layout(self.kind)
        )
        if date_from:
            days = days.filter(day__gte=date_from)
        states = list(days.values_list("day", "rolled_at"))
        self._generation = max((str(at) for _, at in states), default="")
        return _runs(day for day, _ in states)

    def _plan(self, group_by: list[str]) -> tuple[tuple[str, ...], bool] | None:
        """Which rollup rows split this way (a rolled dimension, or a crossing of two), and
        whether the weekday is read from their day; ``None``: the rollups do not.

        Under a split filter the filtered dimension is always among them, so that its values
        can be picked; a weekday beside another split is its day's (``Dimension.of_day``)."""
        groups = self.kind.groups
        splits = [key for key in group_by if key not in (WORKFLOW.key, DAY)]
        from_day = [k for k in splits if groups[k].of_day and (len(splits) > 1 or self.split)]
        splits = [key for key in splits if key not in from_day]
        if self.split:
            splits = [self.split[0], *(key for key in splits if key != self.split[0])]
        if not splits:  # any one split adds up to the totals: the one of a row per day, if any
            rolled = self.kind.rolled_dimensions
            splits = [next((d for d in rolled if d.of_day), rolled[0]).key]
        for rolled in self.kind.rolled_splits:
            if len(rolled) == len(splits) and set(rolled) == set(splits):
                return rolled, bool(from_day)
        return None

    def servable(self, group_by: list[str]) -> bool:
        """Whether the rollups split this way: by workflow, day, weekday and one rolled split
        or two crossed ones (under a split filter, the filtered one among them)."""
        return self._plan(group_by) is not None

    def count(self, group_by: list[str]) -> list[dict]:
        """As ``RecordKind.count`` over the filtered records: every measure per group (from
        the records alone where the rollups do not split that way); counted once per grouping
        (the headline and the second row of numbers read the same totals)."""
        key = tuple(group_by)
        if key not in self._counted:
            self._counted[key] = self._count(group_by)
        return [dict(row) for row in self._counted[key]]  # flat rows; callers add to them

    def _count(self, group_by: list[str]) -> list[dict]:
        if not self.servable(group_by):
            return self.kind.count(self._visible(self.filterset.qs), group_by)
        names = self.kind.key_names(group_by)
        rows = {self.kind.row_key(r, group_by, names): r for r in self._records_raw(group_by)}
        for row in self._rolled_raw(group_by):
            key = self.kind.row_key(row, group_by, names)
            rows[key] = _added(rows[key], row) if key in rows else row
        return self.kind.ordered([self.kind.finish(row) for row in rows.values()], group_by)

    def _records_raw(self, group_by: list[str]) -> list[dict]:
        """The parts of the days not rolled, per group. When they are a few days (today and
        yesterday of a dashboard), they are read once, by every rolled split at once, and each
        table adds them up here: one query instead of one per table."""
        if self._few is None:
            self._few = self._few_days_unrolled()
        if not self._few:
            return self.kind.raw(self.records, group_by)
        parts = ["count", *self.kind.parts()]
        if self._fine is None:
            fine = [WORKFLOW.key, DAY, *(d.key for d in self.kind.rolled_dimensions)]
            rows = self.kind.raw(self.records, fine)
            # Each row's key values as ``row_key`` writes them, and its parts, made once for
            # every table that regroups them.
            keys = [{n: "" if v is None else str(v) for n, v in row.items()} for row in rows]
            values = [tuple(row[part] or 0 for part in parts) for row in rows]
            self._fine = (rows, keys, values)
        rows, keys, values = self._fine
        names = [n for key in group_by for n in self.kind.groups[key].row_keys]
        keyed = self.kind.key_names(group_by)
        members: dict[tuple, list[int]] = {}
        for index, key in enumerate(keys):
            members.setdefault(tuple(key[k] for k in keyed), []).append(index)
        if not members and not group_by:  # the totals: one row, even of no records
            return [dict.fromkeys(parts, 0)]
        return [
            {
                **{n: rows[indexes[0]][n] for n in names},
                **dict(
                    zip(
                        parts,
                        map(sum, zip(*(values[i] for i in indexes), strict=True)),
                        strict=True,
                    )
                ),
            }
            for indexes in members.values()
        ]

    def _few_days_unrolled(self) -> bool:
        """Whether the period's days not rolled are a few. The days before the first record are
        not counted: there is nothing in them (a 12-month view of an account that began in
        spring is not read from the records once per table)."""
        cleaned = self.filterset.form.cleaned_data
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if not (first and last) or first > last:
            return False
        first = max(first, first_record_day(self.kind) or last)
        rolled = sum((end - start).days + 1 for start, end in self._runs)
        return (last - first).days + 1 - rolled <= FEW_DAYS

    def _rolled_raw(self, group_by: list[str]) -> list[dict]:
        if not self._runs:  # no day of the period rolled (today's): no query to build
            return []
        kind_groups = self.kind.groups
        split, from_day = self._plan(group_by)
        place = dict(zip(split, ("value", "value2"), strict=False))  # each split's column
        rows = self.rolled.filter(dimension="|".join(split)).order_by()
        if self.split:
            dimension, values = self.split
            rows = rows.filter(_values(place[dimension], values))
        if from_day:
            rows = rows.annotate(weekday=ExtractIsoWeekDay(DAY))
        columns = {}  # row name -> rollup column, in the order of ``group_by`` as the records
        for key in group_by:
            if key == WORKFLOW.key:
                columns.update(workflow_id="workflow__workflow_id", workflow_name="workflow__name")
            elif key == DAY:
                columns[key] = DAY
            else:
                columns[key] = place.get(key, key)  # a weekday from the day is ``weekday``
        sums = {"count": Sum("count", default=0)}
        sums.update({part: Sum(slot, default=0) for part, slot in _slots(self.kind).items()})
        if columns:
            rows = self._cached(rows.values(*dict.fromkeys(columns.values())).annotate(**sums))
        else:
            rows = self._cached(rows, totals=sums)
        timed = {key for key in group_by if key in kind_groups and kind_groups[key].of_time}
        return [
            {
                **{name: _cast(row[column], name in timed) for name, column in columns.items()},
                **{k: row[k] for k in sums},
            }
            for row in rows
        ]

    def _cached(self, rows, totals: dict | None = None) -> list[dict]:
        """The rolled rows of a query (or its ``totals``), kept for a minute under its SQL (days,
        accounts, filters) and the newest roll of its days: closed days change only by a roll,
        or by a write that takes the day out of the runs, and so out of the SQL. A workflow's
        new name shows within the minute."""
        read = (lambda: [rows.aggregate(**totals)]) if totals else (lambda: list(rows))
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # no rolled day: nothing to keep
            return read()
        text = f"{sql}|{params}|{sorted(totals or ())}|{self._generation}"
        key = f"dashboard:rolled:{hashlib.sha256(text.encode()).hexdigest()}"
        shared = caches["shared"]
        try:
            found = shared.get(key)
        except Exception:  # the cache is down (Redis): the page reads the rollups, as without it
            logger.warning("The shared cache could not be read; the dashboard reads the rollups")
            return read()
        if found is None:
            found = read()
            with contextlib.suppress(Exception):
                shared.set(key, found, ROLLED_CACHE_SECONDS)
        return found

    def summary(self) -> dict:
        row = self.count([])[0]
        return {"total": row.pop("count"), **row}

    def daily(self) -> list[dict]:
        return self.count([DAY])


def grouped(kind: RecordKind, filterset, group_by: list[str], user=None) -> list[dict]:
    """The kind's numbers per group for ``user``'s accounts, from the rollups where they split
    that way, else from the records."""
    return Facts(kind, filterset, user).count(group_by)
