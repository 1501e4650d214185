"""Each call or session classified once, when it is recorded: its outcome group, whether the
debtor was reached (a right-party contact) and whether a promise was made.

A right-party contact is an answered call, or a session, whose group says the debtor was reached
(``RIGHT_PARTY_GROUPS``), that carries a label the account marks right party, or that promised.
"""

from dataclasses import dataclass

from records.signals import rows_saved

from .models import RIGHT_PARTY_GROUPS, Contact, Group, Outcome, Source
from .vocabulary import fold


@dataclass(frozen=True)
class Classified:
    source: str
    intention: str
    labels: list[str]
    answered: bool
    group: str
    right_party: bool
    promise: bool

    def fields(self) -> dict:
        """The contact's columns this classification decides."""
        return {
            "answered": self.answered,
            "intention": self.intention,
            "labels": self.labels,
            "group": self.group,
            "right_party": self.right_party,
            "promise": self.promise,
        }


def occurred_at(record):
    """When a call or session happened: always a time, as AI Rudder may leave its own out."""
    if hasattr(record, "multi_label"):
        return record.started_at or record.last_pushed_at
    return record.ended_at or record.started_at or record.notified_at


def _label_names(record) -> dict:
    labels = record.multi_label if hasattr(record, "multi_label") else record.event_label
    return labels if isinstance(labels, dict) else {}


def classify(record, vocab: dict) -> Classified:
    """``record`` (a ``CallResult`` or ``ChatSession``) read with the account's ``vocab``."""
    is_call = hasattr(record, "multi_label")
    kind = Outcome.Kind.CALLS if is_call else Outcome.Kind.SESSIONS
    labels = list(dict.fromkeys(k for k in map(fold, _label_names(record)) if k))
    answered = bool(record.answered) if is_call else (record.talk_round or 0) > 0
    outcome = vocab.get((kind, record.intention))
    if outcome is not None:
        group = outcome.group
    else:
        group = Group.NO_CONTACT if is_call and not answered else Group.OTHER
    promise = group == Group.PROMISE_TO_PAY or bool(
        is_call and (record.asr_ptp or "").strip() not in ("", "0", "null", "None")
    )
    marked = any(
        getattr(vocab.get((Outcome.Kind.LABELS, key)), "right_party", False) for key in labels
    )
    reached = answered if is_call else True
    right_party = reached and (group in RIGHT_PARTY_GROUPS or marked or promise)
    return Classified(
        source=Source.CALL if is_call else Source.SESSION,
        intention=record.intention or "",
        labels=labels,
        answered=answered,
        group=group,
        right_party=right_party,
        promise=promise,
    )


def _contact(record, endpoint_id: int | None, classified: Classified) -> Contact:
    is_call = classified.source == Source.CALL
    return Contact(
        source=classified.source,
        call_id=record.call_id,
        call_result=record if is_call else None,
        chat_session=None if is_call else record,
        endpoint_id=endpoint_id,
        workflow_id=record.workflow_id,
        number_key=record.callee_number_key if is_call else record.callee_key,
        occurred_at=occurred_at(record),
        **classified.fields(),
    )


def per_record_upsert(model, rows: list) -> None:
    """Write ``rows`` of a ``RecordLink`` model (a contact, a promise) in one statement: one row
    per call or session, the one of an earlier push replaced, in a stable order (no deadlock
    between two workers)."""
    kept = ("id", "source", "call_id")
    model.objects.bulk_create(
        sorted(rows, key=lambda row: (row.source, row.call_id)),
        update_conflicts=True,
        unique_fields=["source", "call_id"],
        update_fields=[f.name for f in model._meta.concrete_fields if f.name not in kept],
    )


def contacts_record(classified: list[tuple]) -> list[Contact]:
    """Write the contacts of ``classified`` ((record, account, ``Classified``)): one per call or
    session, replaced on each push. ``rows_saved`` tells the dashboard's rollups, which count
    contacts."""
    contacts = [_contact(*item) for item in classified]
    per_record_upsert(Contact, contacts)
    rows_saved.send(Contact, rows=contacts)
    return contacts
