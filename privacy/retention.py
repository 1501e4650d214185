"""Retention: deliveries and records older than their configured age are deleted, in batches.

Targets are registered by the inbox and the record kinds; ages and batching:
``docs/design-notes.md``.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionTarget:
    """One kind of data that expires: its model, the time its age is read from, its setting."""

    name: str
    model: type[models.Model]
    time_field: str
    setting: str
    order: int = 0  # lower first: records before the deliveries they point to

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting, 0) or 0)

    def cutoff(self, now: datetime) -> datetime | None:
        """Rows older than this expire; ``None`` when the kind is kept forever."""
        return now - timedelta(days=self.days) if self.days > 0 else None

    def expired(self, now: datetime) -> models.QuerySet:
        cutoff = self.cutoff(now)
        if cutoff is None:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(**{f"{self.time_field}__lt": cutoff})


_RECORDS: dict[str, RetentionTarget] = {}


def register_records(
    name: str,
    model: type[models.Model],
    time_field: str,
    *,
    setting: str = "AIRUDDER_RETENTION_RECORDS_DAYS",
    order: int = 0,
) -> RetentionTarget:
    """Declare a domain's records as expiring after ``setting`` days, aged by ``time_field``
    (a time every row has). Deleting a record must delete its children (``CASCADE``)."""
    target = RetentionTarget(
        name=name, model=model, time_field=time_field, setting=setting, order=order
    )
    if _RECORDS.get(name, target) != target:
        raise ValueError(f"retention target {name!r} is declared twice")
    _RECORDS[name] = target
    return target


def targets() -> list[RetentionTarget]:
    """Every kind of data that expires, the domains' records before the raw deliveries."""
    return sorted(_RECORDS.values(), key=lambda target: target.order)


def _batches(queryset: models.QuerySet, size: int) -> Iterator[tuple[int, int]]:
    """Ranges ``(first_pk, last_pk)`` of at most ``size`` matching rows, in pk order."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        pks = list(page.order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks[0], pks[-1]
        last = pks[-1]


def apply_retention(*, dry_run: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than its kind's age; returns, per kind, how many rows went (or, on a
    dry run, would go). Children deleted with their record are not counted separately."""
    now = now or timezone.now()
    size = max(1, int(getattr(settings, "AIRUDDER_RETENTION_BATCH_SIZE", 1000)))
    counts: dict[str, int] = {}
    for target in targets():
        expired = target.expired(now)
        if dry_run:
            counts[target.name] = expired.count()
            continue
        removed = 0
        for first, last in _batches(expired, size):
            with transaction.atomic():
                # The range bounds the batch; the age is checked again inside the transaction.
                _, per_model = expired.filter(pk__gte=first, pk__lte=last).delete()
            removed += per_model.get(target.model._meta.label, 0)
        counts[target.name] = removed
        if removed:
            logger.info(
                "retention: deleted %d %s older than %d days", removed, target.name, target.days
            )
    return counts
