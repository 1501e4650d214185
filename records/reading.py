"""The read-side declaration of a kind of record: what it may be grouped by and what is counted.

One ``RecordKind`` per kind (calls, chat sessions), declared in its app's ``reading`` module and
registered by its app config, as ``EventKind`` is on the writing side. The dashboard, the
outcomes API, the rollups and the CSV exports read it; ``docs/architecture.md`` has the recipe.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as declared

from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from records.erasure import ErasurePart
from records.exports import RECORD_COLUMNS, CsvExport, fields

DAY = "day"  # the group of the local day of the kind's ``day_field``


def local_hour(field: str):
    """0-23, in the zone the dashboard's days are cut in (``TIME_ZONE``)."""
    return ExtractHour(field, tzinfo=timezone.get_default_timezone())


def local_weekday(field: str):
    """1-7, Monday first, in the zone of the days."""
    return ExtractIsoWeekDay(field, tzinfo=timezone.get_default_timezone())


@dataclass(frozen=True)
class Dimension:
    """What records may be grouped by (``group_by``) and split into on the dashboard.

    ``columns`` are grouped on (default ``(key,)``) and named in rows by ``names``; a row's
    value goes back into ``parameter`` (default ``key``) to open its records. ``table``: how the
    dashboard shows it (``"split"``, ``"by_workflow"`` or not at all); ``rolled``: counted daily
    into the rollups (a value per row).
    """

    key: str
    label: str
    columns: tuple[str, ...] = ()
    names: dict[str, str] = declared(default_factory=dict, hash=False)
    parameter: str = ""
    table: str = ""
    title: str = ""
    rolled: bool = True
    # A value computed from the kind's time (``TIME``: its hour or weekday), not a column.
    of_time: Callable | None = None
    # Its values when they are fixed (filter choices need not read the table).
    choices: tuple[str, ...] = ()
    # A related column it is read from, named by its key in rows (``contact__group``).
    source: str = ""
    # Its value is the ISO weekday of the day a record is counted on (rollups need not keep it).
    of_day: bool = False

    @property
    def grouped_on(self) -> tuple[str, ...]:
        return self.columns or (self.key,)

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(self.names.get(column, column) for column in self.grouped_on)

    @property
    def filter_parameter(self) -> str:
        return self.parameter or self.key

    @property
    def slug(self) -> str:
        return (self.title or self.label).lower().replace(" ", "-")


HOUR = Dimension("hour", "Hour", of_time=local_hour, table="heatmap", title="When customers answer")
WEEKDAY = Dimension("weekday", "Weekday", of_time=local_weekday, of_day=True)

WORKFLOW = Dimension(
    key="workflow",
    label="Workflow",
    columns=("workflow__workflow_id", "workflow__name"),
    names={"workflow__workflow_id": "workflow_id", "workflow__name": "workflow_name"},
    parameter="workflow_id",
    rolled=False,  # every rollup row carries its workflow
)


@dataclass(frozen=True)
class Measure:
    """A number of every group: ``count`` (records matching ``condition``), ``sum`` or
    ``average`` of ``field`` (over records matching ``condition`` with a value), or ``rate``
    (the count ``of`` another measure over the group's records, or over the count ``per`` names:
    promises per right-party contact). ``unit`` says how it reads:
    ``count``, ``rate``, ``duration`` (seconds) or ``number``; ``link`` narrows the records
    a number opens to those it is computed over."""

    name: str
    label: str
    how: str
    field: str = "id"
    condition: Q | None = None
    of: str = ""
    per: str = ""
    unit: str = ""
    link: dict = declared(default_factory=dict, hash=False)
    better: str = ""  # "higher" or "lower": how a change is coloured; "" neither

    def __post_init__(self):
        if not self.unit:
            object.__setattr__(
                self, "unit", {"count": "count", "rate": "rate"}.get(self.how, "number")
            )
        if self.how not in ("count", "sum", "average", "rate"):
            raise ValueError(f"measure {self.name!r}: unknown kind {self.how!r}")
        if (self.how == "rate") != bool(self.of):
            raise ValueError(f"measure {self.name!r}: a rate, and only a rate, names its count")

    @property
    def stored(self) -> bool:
        """Whether it is added up from parts (a rate is computed from other numbers)."""
        return self.how != "rate"

    def parts(self) -> dict:
        """The aggregates it is added up from: a total, and for an average its count."""
        if self.how == "count":
            return {f"_s_{self.name}": Count("id", filter=self.condition)}
        parts = {f"_s_{self.name}": Sum(self.field, filter=self.condition, default=0)}
        if self.how == "average":
            parts[f"_n_{self.name}"] = Count(self.field, filter=self.condition)
        return parts


# The outcome groups collections classify a record in (``collections_app.models.Group``).
OUTCOME_GROUPS = (
    "promise_to_pay", "claims_paid", "refused", "dispute", "callback", "wrong_party",
    "no_contact", "other",
)  # fmt: skip
OUTCOME_GROUP = Dimension(
    key="outcome_group",
    label="Outcome group",
    source="collections_contact__group",
    choices=OUTCOME_GROUPS,
)


def _contact_count(flag: str, label: str) -> Measure:
    """The records whose contact (``collections_app.models.Contact``) has ``flag`` set."""
    condition = Q(**{f"collections_contact__{flag}": True})
    return Measure(f"{flag}_count", label, "count", condition=condition, link={flag: True})


# What collections count of calls and of chats alike: right-party contacts over all records,
# and promises per right-party contact (a promise needs one).
COLLECTIONS_MEASURES = (
    _contact_count("right_party", "Right-party contacts"),
    Measure("right_party_rate", "Right-party rate", "rate", of="right_party_count",
            better="higher"),
    _contact_count("promise", "Promises to pay"),
    Measure("promise_rate", "Promises per right-party contact", "rate", of="promise_count",
            per="right_party_count", better="higher"),
)  # fmt: skip
COLLECTIONS_NUMBERS = ("right_party_count", "right_party_rate", "promise_count", "promise_rate")


@dataclass(frozen=True)
class RecordKind:
    """What one kind of record offers the reading side.

    - ``key``: its name in URLs and the API (``kind=calls``); ``label``: its plural for people;
    - ``model``, ``filterset`` (the one definition of "which records"), ``csv``, ``api_list``
      (the URL name of its API list), ``day_field`` (the datetime its days are read on);
    - ``flag``: a boolean field counted beside the total (answered, handed over), with its
      ``<flag>_count`` and ``<flag>_rate`` among the ``measures``;
    - ``dimensions``: what rows may be grouped by besides the workflow and the day;
    - ``headline``: the measures shown as the dashboard's cards; ``more_numbers``: a second
      row of them (what collections count); ``by_workflow``: the measures of its workflows
      table; ``filters``: the FilterSet parameters the dashboard offers;
    - ``rolled_keys``: filter parameters the rollups carry, each with its ``OutcomeDay`` column;
    - ``crossed``: pairs of rolled dimensions also counted together, so that under a filter on
      one (``intention=E``) the other's table and the heatmap come from the rollups too;
    - ``expires``: (name, time field) for retention; ``erase``: a customer's share of erasure;
    - ``changed_with``: other models whose writes change its numbers (a contact's right party),
      each as (``app_label.Model``, its link to the record, its time on the record's day).
    """

    key: str
    label: str
    model: type[Model]
    filterset: type
    csv: CsvExport
    api_list: str
    day_field: str
    flag: str
    flag_label: str
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    headline: tuple[str, ...]
    more_numbers: tuple[str, ...] = ()
    by_workflow: tuple[str, ...] = ()
    filters: tuple[str, ...] = ("workflow_id", "robot_id")
    rolled_keys: dict[str, str] = declared(default_factory=dict, hash=False)
    crossed: tuple[tuple[str, str], ...] = ()
    expires: tuple[str, str] | None = None
    erase: Callable[[str], ErasurePart] | None = None
    changed_with: tuple[tuple[str, str, str], ...] = ()
    position: int = 0

    def __post_init__(self):
        rolled = {d.key for d in self.rolled_dimensions}
        for pair in self.crossed:
            if len(pair) != 2 or not set(pair) <= rolled:
                raise ValueError(f"{self.key}: crossed {pair!r} is not two rolled dimensions")

    @property
    def table_prefix(self) -> str:
        return self.key.removesuffix("s")

    @property
    def groups(self) -> dict[str, Dimension]:
        """Every ``group_by`` key: the workflow, the declared dimensions, the day."""
        return {
            WORKFLOW.key: WORKFLOW,
            **{d.key: d for d in self.dimensions},
            DAY: Dimension(DAY, "Day"),
        }

    @property
    def rolled_dimensions(self) -> tuple[Dimension, ...]:
        return tuple(d for d in self.dimensions if d.rolled)

    @property
    def rolled_splits(self) -> tuple[tuple[str, ...], ...]:
        """What ``OutcomeDay`` rows are counted by: each rolled dimension, then each crossing."""
        return (*((d.key,) for d in self.rolled_dimensions), *self.crossed)

    @property
    def stored_measures(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.stored)

    def measure(self, name: str) -> Measure:
        return next(m for m in self.measures if m.name == name)

    def parts(self) -> dict:
        """Every aggregate a group's numbers are made of: its records and each measure's parts."""
        parts = {"count": Count("id")}
        for measure in self.stored_measures:
            parts.update(measure.parts())
        return parts

    def finish(self, row: dict) -> dict:
        """A row of added-up parts as the numbers people read (an average of nothing is
        ``None``, as is a rate of no records)."""
        done = {key: value for key, value in row.items() if not key.startswith("_")}
        count = row["count"] or 0
        done["count"] = count
        for measure in self.measures:
            if measure.how == "rate":
                base = (row[f"_s_{measure.per}"] or 0) if measure.per else count
                done[measure.name] = row[f"_s_{measure.of}"] / base if base else None
            elif measure.how == "average":
                n = row[f"_n_{measure.name}"] or 0
                done[measure.name] = (row[f"_s_{measure.name}"] or 0) / n if n else None
            else:
                done[measure.name] = row[f"_s_{measure.name}"] or 0
        return done

    def columns(self, group_by: list[str]) -> list[str]:
        groups = self.groups
        unknown = [key for key in group_by if key not in groups]
        if unknown:
            raise ValueError(f"unknown group(s): {', '.join(unknown)}")
        return [column for key in group_by for column in groups[key].grouped_on]

    def computed(self, queryset: QuerySet, keys) -> QuerySet:
        """``queryset`` with the values of the dimensions among ``keys`` that are not its own
        columns annotated: an hour or weekday of its time, a related column."""
        groups = self.groups
        for key in keys:
            if groups[key].of_time is not None:
                queryset = queryset.annotate(**{key: groups[key].of_time(self.day_field)})
            elif groups[key].source:
                queryset = queryset.annotate(**{key: F(groups[key].source)})
        return queryset

    def raw(self, queryset: QuerySet, group_by: list[str]) -> list[dict]:
        """The parts per combination of ``group_by`` keys, counted in the database."""
        columns = self.columns(group_by)
        if not columns:
            # ``values()`` of no columns would group by every column: one row per record.
            return [queryset.order_by().aggregate(**self.parts())]
        queryset = self.computed(queryset, group_by)
        if DAY in group_by:
            day = TruncDate(self.day_field, tzinfo=timezone.get_default_timezone())
            queryset = queryset.annotate(day=day)
        names = {name: shown for key in group_by for name, shown in self.groups[key].names.items()}
        rows = queryset.order_by().values(*columns).annotate(**self.parts())
        return [{names.get(key, key): value for key, value in row.items()} for row in rows]

    def count(self, queryset: QuerySet, group_by: list[str]) -> list[dict]:
        """Every measure per combination of ``group_by`` keys: by day first, then largest."""
        return self.ordered([self.finish(row) for row in self.raw(queryset, group_by)], group_by)

    def summary(self, queryset: QuerySet) -> dict:
        """The totals: ``total`` (the records) and every measure."""
        row = self.count(queryset, [])[0]
        return {"total": row.pop("count"), **row}

    def daily(self, queryset: QuerySet) -> list[dict]:
        return self.count(queryset, [DAY])

    def key_names(self, group_by: list[str]) -> list[str]:
        """The names in a row that identify its group (a workflow by its id, not its name)."""
        names = []
        for key in group_by:
            names.extend(["workflow_id"] if key == WORKFLOW.key else self.groups[key].row_keys)
        return names

    def row_key(self, row: dict, group_by: list[str], names: list[str] | None = None) -> tuple:
        """What identifies a row's group (``names``: ``key_names(group_by)``, if at hand)."""
        names = self.key_names(group_by) if names is None else names
        return tuple("" if row[k] is None else str(row[k]) for k in names)

    def ordered(self, rows: list[dict], group_by: list[str]) -> list[dict]:
        """By day (oldest first, rows without a day last), then largest, then by name."""

        names = self.key_names(group_by)

        def order(row):
            day = row.get(DAY) if DAY in group_by else None
            return (day is None, day or 0, -row["count"], self.row_key(row, group_by, names))

        return sorted(rows, key=order)


_REGISTRY: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Declare ``kind``; declaring one key twice is a programming error."""
    if _REGISTRY.get(kind.key, kind) is not kind:
        raise ValueError(f"record kind {kind.key!r} is declared twice")
    _REGISTRY[kind.key] = kind
    return kind


def get(key: str) -> RecordKind:
    return _REGISTRY[key]


def all_kinds() -> Iterator[RecordKind]:
    """In the order the dashboard shows them."""
    yield from sorted(_REGISTRY.values(), key=lambda kind: kind.position)


_LABELS: dict[tuple[str, str], Callable] = {}


def register_labels(kind: str, dimension: str, labels: Callable) -> None:
    """Words people read for a dimension's values (an account's label of intention ``E``):
    ``labels(values, accounts)`` -> ``{value: label}``, ``accounts`` ``None`` for every one."""
    _LABELS[(kind, dimension)] = labels


def labels_for(kind: str, dimension: str, values, accounts) -> dict:
    """The registered labels of ``values`` (none registered: no labels)."""
    labels = _LABELS.get((kind, dimension))
    return labels(sorted({v for v in values if v not in ("", None)}), accounts) if labels else {}


def records_label(kind: str, records, dimension: str = "intention") -> list:
    """Give each record its own account's label of its ``dimension`` value, as
    ``<dimension>_label`` ("" without one): one query per account among ``records``."""
    records = list(records)
    by_account: dict = {}
    for record in records:
        by_account.setdefault(record.endpoint_id, []).append(record)
    for account, rows in by_account.items():
        accounts = None if account is None else [account]
        words = labels_for(kind, dimension, [getattr(r, dimension) for r in rows], accounts)
        for record in rows:
            setattr(record, f"{dimension}_label", words.get(getattr(record, dimension), ""))
    return records


def record_csv(kind: str, name: str, *columns) -> CsvExport:
    """A record kind's CSV: the columns every record has, its own, then the intention's label
    in the account's words (last, so that the other columns keep their places)."""
    return CsvExport(
        name=name,
        select_related=("workflow",),
        prepare=lambda rows: records_label(kind, rows),
        columns=(*RECORD_COLUMNS, *columns, *fields("intention_label")),
    )


def has_labels(kind: str, dimension: str) -> bool:
    return (kind, dimension) in _LABELS
