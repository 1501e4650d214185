"""What a kind of record gives up when a customer is erased: counts, deliveries and the deletion.

Each domain declares its ``RecordKind.erase(key)``; ``customers.erasure`` adds the deliveries
and the audit entry and runs them all in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet


@dataclass
class ErasurePart:
    """One kind's share: rows per name (for the report), the deliveries its records were
    written from, and ``apply`` to remove them (not run on a dry run)."""

    counts: dict[str, int]
    events: set[int] = field(default_factory=set)
    apply: Callable[[], None] = lambda: None


def written_from(records: QuerySet) -> set[int]:
    """The deliveries ``records`` were written from (their ``event``)."""
    return set(records.filter(event__isnull=False).values_list("event_id", flat=True))


_OTHERS: list[Callable[[str], ErasurePart]] = []


def register(erase: Callable[[str], ErasurePart]) -> None:
    """Data held about a customer that is not a record kind (a reader's own tables) erases
    with them: ``erase(key)`` is run beside the record kinds' shares."""
    if erase not in _OTHERS:
        _OTHERS.append(erase)


def others() -> list[Callable[[str], ErasurePart]]:
    return list(_OTHERS)
