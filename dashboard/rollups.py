"""Daily rollups of the dashboard's numbers, exact at any moment.

At a million calls, twelve months of dashboard meant six aggregates over a million rows (seconds
per view). Closed days do not change, or hardly: so each day of each kind is counted once into
``OutcomeDay`` rows (per workflow, robot, channel, flag and each value of each split), and the
dashboard adds up those rows for the days they cover and counts the records of the other days
(today, yesterday, any day changed since it was rolled) as before. The result is the same as
counting every record, which the tests check against the records themselves.

- **Which days.** ``roll_pending()`` (Celery beat, every ``AIRUDDER_ROLLUP_EVERY_MINUTES``, and
  ``manage.py roll_outcomes``) rolls every day up to the day before yesterday, in the project's
  time zone (``TIME_ZONE``, the zone of the filters' days), that is not rolled or is dirty.
- **Staying exact.** Saving or deleting a record of a day up to yesterday marks that day dirty
  (``RolledDay.dirty``) right after its commit, by an upsert that waits for a roll of that day
  (which holds the day's row while it counts): so a write either is counted by the roll or
  marks the day dirty after it (``mark_dirty``). Dirty days are counted from the records until
  they are rolled again. Writes to today (nearly all of them) touch the rollups not at all.
- **When they are not used.** A filter the rollups do not carry (anything but the period,
  workflow, robot and channel) counts from the records, and so do days rolled in another time
  zone. An open period uses every rolled day, plus the records of the others (and those
  without a time). Without a broker (``make run``) nothing rolls and every number is
  counted from the records.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.db.models import Count, Model, Q, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from calls_app.models import CallResult
from calls_app.outcomes import ANSWERED, CALL_OUTCOMES
from records.filtering import day_start
from records.outcomes import Outcomes
from sessions_app.models import ChatSession
from sessions_app.outcomes import CHAT_SESSION_OUTCOMES

from .models import OutcomeDay, RolledDay

PERIOD = ("date_from", "date_to")
ROLL_DAYS_AT_ONCE = 31  # days per transaction: a month of calls is one bounded query per split


@dataclass(frozen=True)
class Rollup:
    """How one kind of record is rolled up.

    - ``keys``: the columns the dashboard filters on besides the period and the workflow;
    - ``dimensions``: the splits it shows (``Outcomes`` groups), each rolled separately;
    - ``measures``: its two averages, by name, as (field, filter): each is rolled as a sum and a
      count of non-empty values, so that averages over many days are exact.
    """

    kind: str
    model: type[Model]
    outcomes: Outcomes
    keys: tuple[str, ...]
    dimensions: tuple[str, ...]
    measures: tuple[tuple[str, str, Q | None], tuple[str, str, Q | None]]

    @property
    def day_field(self) -> str:
        return self.outcomes.day_field

    @property
    def flag(self) -> str:
        return self.outcomes.flag

    @property
    def parameters(self) -> tuple[str, ...]:
        return ("workflow_id", *self.keys)


CALLS = Rollup(
    kind="calls",
    model=CallResult,
    outcomes=CALL_OUTCOMES,
    keys=("robot_id",),
    dimensions=("intention", "hangup_type", "ring_type"),
    measures=(
        ("average_talk_seconds", "talk_seconds", ANSWERED),
        ("average_rounds", "talk_round", ANSWERED),
    ),
)
SESSIONS = Rollup(
    kind="sessions",
    model=ChatSession,
    outcomes=CHAT_SESSION_OUTCOMES,
    keys=("robot_id", "channel"),
    dimensions=("intention", "end_reason"),
    measures=(
        ("average_duration_seconds", "duration_seconds", None),
        ("average_rounds", "talk_round", None),
    ),
)
ROLLUPS = (CALLS, SESSIONS)
BY_KIND = {rollup.kind: rollup for rollup in ROLLUPS}


def _zone_name() -> str:
    return timezone.get_default_timezone_name()


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


def _measure_aggregates(rollup: Rollup) -> dict:
    aggregates = {}
    for index, (_, field, condition) in enumerate(rollup.measures, start=1):
        aggregates[f"sum_{index}"] = Sum(field, filter=condition, default=0)
        aggregates[f"n_{index}"] = Count(field, filter=condition)
    return aggregates


def roll_days(rollup: Rollup, first: dt.date, last: dt.date) -> int:
    """Count the records of the days ``first``..``last`` into ``OutcomeDay`` rows, one query per
    split for the whole range; returns how many rows."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    with transaction.atomic():
        states = _locked_states(rollup, days)
        records = (
            rollup.model._default_manager.filter(
                **{f"{rollup.day_field}__gte": start, f"{rollup.day_field}__lt": end}
            )
            .order_by()
            .annotate(day=TruncDate(rollup.day_field, tzinfo=timezone.get_default_timezone()))
        )
        rows = []
        for dimension in rollup.dimensions:
            grouped = records.values(
                "day", "workflow_id", *rollup.keys, rollup.flag, dimension
            ).annotate(count=Count("id"), **_measure_aggregates(rollup))
            for row in grouped:
                rows.append(
                    OutcomeDay(
                        kind=rollup.kind,
                        day=row["day"],
                        workflow_id=row["workflow_id"],
                        flagged=bool(row[rollup.flag]),
                        dimension=dimension,
                        value=row[dimension] or "",
                        **{key: row[key] or "" for key in rollup.keys},
                        **{name: row[name] for name in ("count", "sum_1", "n_1", "sum_2", "n_2")},
                    )
                )
        OutcomeDay.objects.filter(kind=rollup.kind, day__range=(first, last)).delete()
        OutcomeDay.objects.bulk_create(rows, batch_size=1000)
        RolledDay.objects.filter(pk__in=[state.pk for state in states]).update(
            dirty=False, time_zone=_zone_name(), rolled_at=timezone.now()
        )
    return len(rows)


def _locked_states(rollup: Rollup, days: list[dt.date]) -> list[RolledDay]:
    """The days' state rows, locked in day order (created if missing): a writer of one of these
    days waits for the roll, or the roll for the writer."""
    RolledDay.objects.bulk_create(
        [RolledDay(kind=rollup.kind, day=day, time_zone=_zone_name()) for day in days],
        ignore_conflicts=True,
    )
    return list(
        RolledDay.objects.select_for_update().filter(kind=rollup.kind, day__in=days).order_by("day")
    )


def pending_days(rollup: Rollup) -> list[dt.date]:
    """The days to roll, newest first: from the first record's day to the last rollable day,
    those not rolled, dirty, or rolled in another time zone."""
    first = (
        rollup.model._default_manager.filter(**{f"{rollup.day_field}__isnull": False})
        .order_by(rollup.day_field)
        .values_list(rollup.day_field, flat=True)
        .first()
    )
    last = last_rollable_day()
    if first is None or _day_of(first) > last:
        return []
    clean = set(
        RolledDay.objects.filter(kind=rollup.kind, dirty=False, time_zone=_zone_name()).values_list(
            "day", flat=True
        )
    )
    days = (last - _day_of(first)).days + 1
    return [day for day in (last - dt.timedelta(days=n) for n in range(days)) if day not in clean]


def roll_pending(limit: int | None = None) -> dict[str, int]:
    """Roll the pending days of every kind (at most ``limit`` each), newest first, a month of
    consecutive days per transaction; returns the days rolled per kind."""
    rolled = {}
    for rollup in ROLLUPS:
        days = pending_days(rollup)[:limit]
        for first, last in _runs(days):
            while first <= last:
                chunk_end = min(last, first + dt.timedelta(days=ROLL_DAYS_AT_ONCE - 1))
                roll_days(rollup, first, chunk_end)
                first = chunk_end + dt.timedelta(days=1)
        rolled[rollup.kind] = len(days)
    return rolled


# --- Keeping them exact -----------------------------------------------------------------------


def mark_dirty(rollup: Rollup, days: Iterable[dt.date | None]) -> None:
    """Mark ``days`` (those that may be rolled: up to yesterday) to be counted from the records,
    once the writer's transaction has committed.

    After the commit, so that the writer holds no lock of the rollups while it works (every
    worker replaying old calls would otherwise wait for the others on the same day's row). The
    upsert waits for a roll of the same day that holds the row (``_locked_states``): a roll that
    counted before the commit is then marked dirty after it, and a roll that starts after the
    commit counts the write. What stays open is a process that dies between its commit and this
    statement: that day keeps its rollup until something else marks it.
    """
    today = _today()
    marked = sorted({day for day in days if day is not None and day < today})
    if marked:
        transaction.on_commit(lambda: _mark(rollup.kind, marked))


def _mark(kind: str, days: list[dt.date]) -> None:
    RolledDay.objects.bulk_create(
        [RolledDay(kind=kind, day=day, time_zone=_zone_name()) for day in days],
        update_conflicts=True,
        unique_fields=["kind", "day"],
        update_fields=["dirty"],
    )


def _stored_day(rollup: Rollup):
    """Before an update, the day the record had in the database (a re-push may move a call to
    another day: both days change). New records have none; loading records costs nothing."""

    def receiver(sender, instance, **kwargs):
        instance._rolled_day = None
        if not instance._state.adding and instance.pk is not None:
            stored = (
                sender._base_manager.filter(pk=instance.pk)
                .values_list(rollup.day_field, flat=True)
                .first()
            )
            instance._rolled_day = _day_of(stored)

    return receiver


def _changed(rollup: Rollup):
    def receiver(sender, instance, **kwargs):
        days = [
            getattr(instance, "_rolled_day", None),
            _day_of(getattr(instance, rollup.day_field)),
        ]
        mark_dirty(rollup, days)

    return receiver


def connect_signals() -> None:
    """From ``DashboardConfig.ready()``: every write and delete of a record marks its days."""
    for rollup in ROLLUPS:
        uid = f"dashboard.rollups.{rollup.kind}"
        pre_save.connect(_stored_day(rollup), sender=rollup.model, weak=False, dispatch_uid=uid)
        post_save.connect(_changed(rollup), sender=rollup.model, weak=False, dispatch_uid=uid)
        post_delete.connect(_changed(rollup), sender=rollup.model, weak=False, dispatch_uid=uid)


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


class Facts:
    """The numbers of ``Outcomes`` (``summary``, ``count``, ``daily``) over a FilterSet's
    records, from the rollups for the clean days of the period and from the records for the
    others; the same rows, in the same shapes, as ``Outcomes`` over ``filterset.qs``."""

    def __init__(self, rollup: Rollup, filterset):
        self.rollup = rollup
        self.outcomes = rollup.outcomes
        self.filterset = filterset
        self.records = filterset.qs
        self.rolled = OutcomeDay.objects.none()
        runs = self._rolled_runs()
        if runs:
            span = Q()
            for first, last in runs:
                span |= Q(day__range=(first, last))
                self.records = self.records.exclude(
                    **{
                        f"{rollup.day_field}__gte": day_start(first),
                        f"{rollup.day_field}__lt": day_start(last + dt.timedelta(days=1)),
                    }
                )
            rolled = OutcomeDay.objects.filter(span, kind=rollup.kind)
            for name in rollup.parameters:
                value = filterset.form.cleaned_data.get(name)
                if value:
                    rolled = filterset.filters[name].filter(rolled, value)
            self.rolled = rolled

    def _rolled_runs(self) -> list[tuple[dt.date, dt.date]]:
        cleaned = self.filterset.form.cleaned_data
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        others = [
            name
            for name, value in cleaned.items()
            if value not in (None, "", [], ()) and name not in (*PERIOD, *self.rollup.parameters)
        ]
        if others or (date_from and date_to and date_from > date_to):
            return []
        last = min(date_to, last_rollable_day()) if date_to else last_rollable_day()
        days = RolledDay.objects.filter(
            kind=self.rollup.kind, day__lte=last, dirty=False, time_zone=_zone_name()
        )
        if date_from:
            days = days.filter(day__gte=date_from)
        return _runs(days.values_list("day", flat=True))

    # What ``Outcomes`` returns, added up from both sources.

    @property
    def _flag_count(self) -> str:
        return self.outcomes.flag_count

    def _rolled_counts(self) -> dict:
        return {
            "records": Sum("count", default=0),
            "flagged_records": Sum("count", filter=Q(flagged=True), default=0),
        }

    def summary(self) -> dict:
        flag = self.outcomes.flag
        raw = self.records.order_by().aggregate(
            total=Count("id"),
            **{self._flag_count: Count("id", filter=self.outcomes.flagged)},
            **_measure_aggregates(self.rollup),
        )
        rolled = self.rolled.filter(dimension=self.rollup.dimensions[0]).aggregate(
            total=Sum("count", default=0),
            **{self._flag_count: Sum("count", filter=Q(flagged=True), default=0)},
            **{
                f"{name}_{i}": Sum(f"{name}_{i}", default=0)
                for i in (1, 2)
                for name in ("sum", "n")
            },
        )
        both = {key: (raw[key] or 0) + (rolled[key] or 0) for key in raw}
        summary = {"total": both["total"], self._flag_count: both[self._flag_count]}
        total = summary["total"]
        summary[f"{flag}_rate"] = summary[self._flag_count] / total if total else None
        for index, (name, _, _) in enumerate(self.rollup.measures, start=1):
            n = both[f"n_{index}"]
            summary[name] = both[f"sum_{index}"] / n if n else None
        return summary

    def count(self, group_by: list[str]) -> list[dict]:
        dimensions = [key for key in group_by if key in self.rollup.dimensions]
        if set(group_by) - {"workflow", *dimensions} or len(dimensions) > 1:
            raise ValueError(f"the rollups do not split by {group_by}")
        dimension = dimensions[0] if dimensions else self.rollup.dimensions[0]
        rows = {}
        for row in self.outcomes.count(self.records, group_by):
            rows[self._key(row, group_by)] = row
        columns = (
            {"workflow_id": "workflow__workflow_id", "workflow_name": "workflow__name"}
            if "workflow" in group_by
            else {}
        )
        if dimensions:
            columns[dimension] = "value"
        rolled = (
            self.rolled.filter(dimension=dimension)
            .values(*columns.values())
            .annotate(**self._rolled_counts())
        )
        for row in rolled:
            named = {name: row[column] for name, column in columns.items()}
            named.update(count=row["records"], **{self._flag_count: row["flagged_records"]})
            key = self._key(named, group_by)
            if key in rows:
                rows[key] = {
                    **rows[key],
                    "count": rows[key]["count"] + named["count"],
                    self._flag_count: rows[key][self._flag_count] + named[self._flag_count],
                }
            else:
                rows[key] = named
        return sorted(rows.values(), key=lambda r: (-r["count"], self._key(r, group_by)))

    def daily(self) -> list[dict]:
        rows = {row["day"]: row for row in self.outcomes.daily(self.records)}
        rolled = (
            self.rolled.filter(dimension=self.rollup.dimensions[0])
            .values("day")
            .annotate(**self._rolled_counts())
        )
        for row in rolled:
            rows[row["day"]] = {
                "day": row["day"],
                "count": row["records"],
                self._flag_count: row["flagged_records"],
            }
        return [rows[day] for day in sorted(rows, key=lambda d: (d is None, d))]

    @staticmethod
    def _key(row: dict, group_by: list[str]) -> tuple:
        names = []
        for key in group_by:
            names.extend(["workflow_id"] if key == "workflow" else [key])
        return tuple("" if row[name] is None else str(row[name]) for name in names)


def grouped(rollup: Rollup, filterset, group_by: list[str]) -> list[dict] | None:
    """``Outcomes.count(filterset.qs, group_by)`` from the rollups where they split that way
    (the workflow, one split, or the day), else ``None``: count the records."""
    if group_by == ["day"]:
        return Facts(rollup, filterset).daily()
    splits = [key for key in group_by if key in rollup.dimensions]
    if not group_by or set(group_by) - {"workflow", *splits} or len(splits) > 1:
        return None
    return Facts(rollup, filterset).count(group_by)
