"""Writes of collections: what one recorded call or session adds, and what a changed label
changes. Each record is read as stored (the latest push wins), never from the payload alone.
"""

from itertools import islice

from django.db import transaction

from calls_app.models import CallResult
from sessions_app.models import ChatSession

from .contacts import classify, contacts_record
from .models import Contact, Outcome, Source
from .numbers import numbers_health_refresh
from .promises import promises_record
from .vocabulary import intention_seed, labels_seed, vocabulary


def _seed(record, endpoint_id: int, known: dict) -> None:
    """Remember the record's intention and labels in the account's vocabulary (and ``known``)."""
    is_call = hasattr(record, "multi_label")
    kind = Outcome.Kind.CALLS if is_call else Outcome.Kind.SESSIONS
    description = record.intention_description if is_call else ""
    intention_seed(
        endpoint_id=endpoint_id,
        kind=kind,
        code=record.intention,
        description=description,
        known=known,
    )
    labels = record.multi_label if is_call else record.event_label
    if isinstance(labels, dict):
        labels_seed(endpoint_id=endpoint_id, names=labels, known=known)


def _vocabularies(records: list, seed: bool) -> dict:
    """Each account's vocabulary, read once and kept current by what the records add to it."""
    known = {}
    for record in records:
        endpoint_id = record.endpoint_id
        if endpoint_id not in known:
            known[endpoint_id] = vocabulary(endpoint_id)
        if seed and endpoint_id is not None:
            _seed(record, endpoint_id, known[endpoint_id])
    return known


@transaction.atomic
def collections_record_many(records: list, *, seed: bool = True) -> list[Contact]:
    """Classify ``records`` (``CallResult`` and ``ChatSession`` rows, as stored) for collections:
    their contacts, promises and numbers' health, a few multi-row statements for all of them."""
    records = list({(type(r), r.pk): r for r in records}.values())
    known = _vocabularies(records, seed)
    classified = [(r, r.endpoint_id, classify(r, known[r.endpoint_id])) for r in records]
    contacts = contacts_record(classified)
    for source in Source.values:
        promises_record([item for item in classified if item[2].source == source])
    numbers_health_refresh(
        {(c.endpoint_id, c.number_key) for c in contacts if c.source == Source.CALL}
    )
    return contacts


def collections_record(record, *, seed: bool = True) -> Contact:
    """Classify one ``record`` for collections (``collections_record_many`` of one)."""
    (contact,) = collections_record_many([record], seed=seed)
    return contact


def _in_chunks(records, chunk: int, *, seed: bool = False) -> int:
    done = 0
    records = iter(records)
    while batch := list(islice(records, chunk)):
        collections_record_many(batch, seed=seed)
        done += len(batch)
    return done


def _read_again(contacts, chunk: int) -> int:
    related = contacts.select_related("call_result", "chat_session").order_by("pk")
    records = (c.call_result or c.chat_session for c in related.iterator(chunk_size=chunk))
    return _in_chunks((r for r in records if r is not None), chunk)


def outcome_reclassify(outcome: Outcome, *, chunk: int = 500) -> int:
    """Classify again the records a changed ``outcome`` reads; returns how many."""
    contacts = Contact.objects.filter(endpoint_id=outcome.endpoint_id)
    if outcome.kind == Outcome.Kind.LABELS:
        contacts = contacts.filter(labels__icontains=f'"{outcome.code}"')
    else:
        source = Source.CALL if outcome.kind == Outcome.Kind.CALLS else Source.SESSION
        contacts = contacts.filter(source=source, intention=outcome.code)
    return _read_again(contacts, chunk)


def promises_reread(endpoint_id: int, *, chunk: int = 500) -> int:
    """Read the account's promises again (its promise slot names changed)."""
    contacts = Contact.objects.filter(endpoint_id=endpoint_id, promise=True)
    return _read_again(contacts, chunk)


def records_rebuild(*, since: str | None = None, chunk: int = 1000) -> int:
    """Every call and session read again, in chunks; returns how many."""
    done = 0
    for model, time_field in ((CallResult, "started_at"), (ChatSession, "ended_at")):
        records = model.objects.order_by("pk")
        if since:
            records = records.filter(**{f"{time_field}__date__gte": since})
        done += _in_chunks(records.iterator(chunk_size=chunk), chunk, seed=True)
    return done
