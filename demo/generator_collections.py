"""What collections would have stored for ``demo.generator``'s calls and sessions, in bulk.

The webhook's path classifies records with ``collections_app.services.collections_record_many``:
it seeds the account's vocabulary, writes a contact, a promise when one was made (superseding the
customer's earlier ones) and the number's health. ``CollectionsRows`` does the same for rows that
never were model instances, in the order the records were written, with the app's own functions
wherever one takes plain values (``classify``, ``guess_group``, ``promise_terms``), and writes
through the generator's COPY. ``tests/demo/test_generator.py`` checks the result against the
service's, so the two cannot drift apart silently.
"""

import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from collections_app.contacts import classify, occurred_at
from collections_app.models import Contact, NumberHealth, Outcome, Promise, Source
from collections_app.numbers import numbers_health_refresh
from collections_app.terms import promise_terms
from collections_app.vocabulary import fold, guess_group, right_party_label_keys, vocabulary


@dataclass
class _Number:
    """One customer number's calls, summed as ``numbers_health_refresh`` reads them."""

    attempts: int = 0
    answered: int = 0
    right_party: int = 0
    first: datetime | None = None
    last: tuple = ()  # (occurred_at, pk, group, intention, customer number)
    last_answered: tuple = ()  # (occurred_at, pk, group)
    days: set = field(default_factory=set)
    rings: Counter = field(default_factory=Counter)
    hangups: Counter = field(default_factory=Counter)


class CollectionsRows:
    """The collections rows of one generated account, built as its records are generated."""

    def __init__(self, endpoint, writer, next_promise_id: int):
        self.endpoint = endpoint
        self.writer = writer
        self.zone = zoneinfo.ZoneInfo(endpoint.timezone)
        self.vocab = vocabulary(endpoint.pk)
        self.changed: set[tuple[str, str]] = set()
        self.right_party_keys = right_party_label_keys()
        self.numbers: dict[str, _Number] = {}
        self.promises: list[dict] = []
        self.promise_id = next_promise_id
        self.contacts = 0

    # --- The vocabulary, as ``collections_app.vocabulary`` seeds it ---------------------------

    def _seed(self, kind: str, code: str, label: str, group: str, right_party: bool) -> None:
        seen = self.vocab.get((kind, code))
        if seen is None:
            self.vocab[(kind, code)] = Outcome(
                endpoint=self.endpoint, kind=kind, code=code, label=label, group=group,
                right_party=right_party, variants=[],
            )  # fmt: skip
            self.changed.add((kind, code))
        elif label and label != seen.label and label not in seen.variants:
            seen.variants = [*seen.variants, label]
            self.changed.add((kind, code))

    def _seed_record(self, record, is_call: bool) -> None:
        kind = Outcome.Kind.CALLS if is_call else Outcome.Kind.SESSIONS
        if record.intention:
            description = record.intention_description if is_call else ""
            label = description.strip() or record.intention
            self._seed(kind, record.intention, label, guess_group(label), False)
        labels = record.multi_label if is_call else record.event_label
        for name in labels if isinstance(labels, dict) else {}:
            key = fold(name)
            if key:
                self._seed(
                    Outcome.Kind.LABELS, key, str(name), guess_group(name),
                    key in self.right_party_keys,
                )  # fmt: skip

    # --- Per record -----------------------------------------------------------------------

    def call(self, row: dict) -> dict:
        """The contact of a generated call (its number's health and promise noted)."""
        record, classified, occurred, contact = self._classified(row, is_call=True)
        if classified.promise:
            self._promise(
                record, classified, Source.CALL, occurred,
                number=record.callee_number or record.contact_number,
                key=record.callee_number_key or record.contact_number_key,
                case_id=record.case_id, currency=record.currency_unit,
                asr_ptp=record.asr_ptp, owing=record.total_owing_amount,
            )  # fmt: skip
        if record.callee_number_key:
            self._count(record, classified, occurred)
        return contact

    def session(self, row: dict) -> dict:
        """The contact of a generated chat session (and its promise noted)."""
        record, classified, occurred, contact = self._classified(row, is_call=False)
        if classified.promise:
            variables = record.variables if isinstance(record.variables, dict) else {}
            self._promise(
                record, classified, Source.SESSION, occurred,
                number=record.callee, key=record.callee_key,
                case_id=str(variables.get("case_id") or "")[:128],
                currency=str(variables.get("currency") or "")[:16], asr_ptp="", owing=None,
            )  # fmt: skip
        return contact

    def _classified(self, row: dict, *, is_call: bool) -> tuple:
        """The generated ``row`` as a record, its classification, time and contact row."""
        record = SimpleNamespace(**row)
        self._seed_record(record, is_call=is_call)
        classified = classify(record, self.vocab)
        occurred = occurred_at(record)
        key = record.callee_number_key if is_call else record.callee_key
        contact = self._contact(record, classified, key, occurred)
        contact["call_result_id" if is_call else "chat_session_id"] = record.id
        return record, classified, occurred, contact

    def _contact(self, record, classified, number_key: str, occurred: datetime) -> dict:
        self.contacts += 1
        return {
            "source": classified.source,
            "call_id": record.call_id,
            "call_result_id": None,
            "chat_session_id": None,
            "endpoint_id": self.endpoint.pk,
            "workflow_id": record.workflow_id,
            "number_key": number_key,
            "occurred_at": occurred,
            **classified.fields(),
        }

    def _promise(self, record, classified, source, made_at, *, number, key, case_id, currency,
                 asr_ptp, owing) -> None:  # fmt: skip
        slots = record.ner_slots if isinstance(record.ner_slots, dict) else {}
        # No SlotNames of the generated account: the defaults in settings, as the service reads.
        terms = promise_terms(slots=slots, asr_ptp=asr_ptp, endpoint_id=None)
        self.promises.append(
            {
                "id": self.promise_id,
                "source": source,
                "call_id": record.call_id,
                "call_result_id": record.id if source == Source.CALL else None,
                "chat_session_id": record.id if source == Source.SESSION else None,
                "endpoint_id": self.endpoint.pk,
                "workflow_id": record.workflow_id,
                "customer_number": number,
                "customer_key": key,
                "case_id": case_id,
                "made_at": made_at,
                "promised_date": terms.date,
                "amount": terms.amount if terms.amount is not None else owing,
                "amount_is_owing": terms.amount is None and owing is not None,
                "currency": currency,
                "superseded": False,
            }
        )
        self.promise_id += 1

    def _count(self, record, classified, occurred: datetime) -> None:
        number = self.numbers.setdefault(record.callee_number_key, _Number())
        number.attempts += 1
        number.answered += classified.answered
        number.right_party += classified.right_party
        number.first = occurred if number.first is None else min(number.first, occurred)
        number.days.add(occurred.astimezone(self.zone).date())
        number.rings[record.ring_type or "(none)"] += 1
        number.hangups[record.hangup_type or "(none)"] += 1
        moment = (occurred, record.id)
        if not number.last or moment > number.last[:2]:
            number.last = (*moment, classified.group, classified.intention, record.callee_number)
        if classified.answered and (not number.last_answered or moment > number.last_answered[:2]):
            number.last_answered = (*moment, classified.group)

    # --- At the end -----------------------------------------------------------------------

    def write_contacts(self, rows: list[dict]) -> None:
        self.writer.write(Contact, rows)

    def finish(self) -> tuple[int, int]:
        """Write the vocabulary, the promises and the numbers; returns (promises, numbers)."""
        self._write_vocabulary()
        self._settle_promises()
        self.writer.write(Promise, self.promises)
        return len(self.promises), self._write_numbers()

    def _write_vocabulary(self) -> None:
        for key in sorted(self.changed):
            outcome = self.vocab[key]
            if outcome.pk is None:
                outcome.save()
            else:
                outcome.save(update_fields=["variants"])

    def _settle_promises(self) -> None:
        """Superseded: a later promise (by time, then id) of the same case or number exists,
        what ``promises_settle`` leaves once every promise is recorded; the account's earlier
        promises (a second run) are settled with the new ones."""
        earlier = Promise.objects.filter(endpoint_id=self.endpoint.pk)
        earlier = list(earlier.values("id", "customer_key", "case_id", "made_at", "superseded"))
        latest: dict[tuple[str, str], tuple] = {}
        for row in (*earlier, *self.promises):
            for family in (("key", row["customer_key"]), ("case", row["case_id"])):
                if family[1]:
                    latest[family] = max(latest.get(family, ()), (row["made_at"], row["id"]))

        def superseded(row) -> bool:
            moment = (row["made_at"], row["id"])
            return any(
                latest[family] > moment
                for family in (("key", row["customer_key"]), ("case", row["case_id"]))
                if family[1]
            )

        for row in self.promises:
            row["superseded"] = superseded(row)
        for row in earlier:
            if superseded(row) != row["superseded"]:
                Promise.objects.filter(pk=row["id"]).update(superseded=not row["superseded"])

    def _write_numbers(self) -> int:
        """Each number's health; a number the account had before (a second run) is recomputed
        by the service itself from all its contacts."""
        before = set(
            NumberHealth.objects.filter(endpoint_id=self.endpoint.pk).values_list(
                "number_key", flat=True
            )
        )
        numbers_health_refresh({(self.endpoint.pk, key) for key in before & set(self.numbers)})
        rows = []
        for key, number in self.numbers.items():
            if key in before:
                continue
            rows.append(
                {
                    "endpoint_id": self.endpoint.pk,
                    "number_key": key,
                    "customer_number": number.last[4] or "",
                    "attempts": number.attempts,
                    "answered": number.answered,
                    "right_party_contacts": number.right_party,
                    "first_called_at": number.first,
                    "last_called_at": number.last[0],
                    "days_called": len(number.days),
                    "last_outcome": number.last[2],
                    "last_intention": number.last[3],
                    "last_answered_outcome": number.last_answered[2]
                    if number.last_answered
                    else "",
                    "ring_types": dict(number.rings.most_common()),
                    "hangup_types": dict(number.hangups.most_common()),
                }
            )
        for start in range(0, len(rows), 5_000):
            self.writer.write(NumberHealth, rows[start : start + 5_000])
        return len(self.numbers)
