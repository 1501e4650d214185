"""Writes of collections: what one recorded call or session adds, and what a changed label
changes. Each record is read as stored (the latest push wins), never from the payload alone.
"""

from django.db import transaction

from calls_app.models import CallResult
from sessions_app.models import ChatSession

from .contacts import classify, contact_record
from .models import Contact, Outcome, Source
from .numbers import number_health_refresh
from .promises import promise_record
from .vocabulary import intention_seed, labels_seed, vocabulary


def _seed(record, endpoint_id: int, known: dict) -> bool:
    """Remember the record's intention and labels; whether the vocabulary changed."""
    is_call = hasattr(record, "multi_label")
    kind = Outcome.Kind.CALLS if is_call else Outcome.Kind.SESSIONS
    description = record.intention_description if is_call else ""
    written = intention_seed(
        endpoint_id=endpoint_id,
        kind=kind,
        code=record.intention,
        description=description,
        known=known,
    )
    labels = record.multi_label if is_call else record.event_label
    if isinstance(labels, dict):
        written |= labels_seed(endpoint_id=endpoint_id, names=labels, known=known)
    return written


@transaction.atomic
def collections_record(record, *, endpoint_id: int | None, seed: bool = True) -> Contact:
    """Classify ``record`` (a ``CallResult`` or ``ChatSession``) for collections."""
    known = vocabulary(endpoint_id)
    if seed and endpoint_id is not None and _seed(record, endpoint_id, known):
        known = vocabulary(endpoint_id)
    classified = classify(record, known)
    contact = contact_record(record, endpoint_id=endpoint_id, classified=classified)
    promise_record(record, endpoint_id=endpoint_id, classified=classified)
    if contact.source == Source.CALL:
        number_health_refresh(endpoint_id=endpoint_id, number_key=contact.number_key)
    return contact


def _read_again(contacts, endpoint_id: int | None, chunk: int) -> int:
    done = 0
    related = contacts.select_related("call_result", "chat_session").order_by("pk")
    for contact in related.iterator(chunk_size=chunk):
        record = contact.call_result or contact.chat_session
        if record is not None:
            collections_record(record, endpoint_id=endpoint_id, seed=False)
            done += 1
    return done


def outcome_reclassify(outcome: Outcome, *, chunk: int = 500) -> int:
    """Classify again the records a changed ``outcome`` reads; returns how many."""
    contacts = Contact.objects.filter(endpoint_id=outcome.endpoint_id)
    if outcome.kind == Outcome.Kind.LABELS:
        contacts = contacts.filter(labels__icontains=f'"{outcome.code}"')
    else:
        source = Source.CALL if outcome.kind == Outcome.Kind.CALLS else Source.SESSION
        contacts = contacts.filter(source=source, intention=outcome.code)
    return _read_again(contacts, outcome.endpoint_id, chunk)


def promises_reread(endpoint_id: int, *, chunk: int = 500) -> int:
    """Read the account's promises again (its promise slot names changed)."""
    contacts = Contact.objects.filter(endpoint_id=endpoint_id, promise=True)
    return _read_again(contacts, endpoint_id, chunk)


def records_rebuild(*, since: str | None = None, chunk: int = 1000) -> int:
    """Every call and session read again, in chunks; returns how many."""
    done = 0
    for model, time_field in ((CallResult, "started_at"), (ChatSession, "ended_at")):
        records = model.objects.order_by("pk")
        if since:
            records = records.filter(**{f"{time_field}__date__gte": since})
        for record in records.iterator(chunk_size=chunk):
            collections_record(record, endpoint_id=record.endpoint_id)
            done += 1
    return done
