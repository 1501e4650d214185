"""Erasure on request: everything held about one customer, found by their number, removed.

Each record kind declares its share (``RecordKind.erase``); this adds the deliveries that name
the number and an audit entry without personal data. Why and what: ``docs/design-notes.md``.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from integrations.models import WebhookEvent
from privacy.audit import Action, audit_record
from records import erasure, reading
from records.phones import phone_key

# Fewer digits than this could be part of anyone's number: refused rather than over-erased.
MIN_KEY_LENGTH = 6
# Bodies read at a time while scanning (each at most AIRUDDER_MAX_BODY_BYTES, usually a few kB).
SCAN_BATCH = 100
# What may separate the digits of a number in a body: spacing, dashes, brackets, dots, a "+".
_SEPARATORS = re.compile(rb"[\s\-().+]")


class ErasureError(ValueError):
    """The number cannot name one customer (too short, or no digits at all)."""


@dataclass
class ErasureReport:
    """What was (or, on a dry run, would be) removed, per kind; never the number itself."""

    subject_hash: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"subject_hash": self.subject_hash, "dry_run": self.dry_run, "counts": self.counts}


def subject_hash(key: str) -> str:
    """A salted (``SECRET_KEY``) digest of a phone key: the same number gives the same hash."""
    secret = f"customer-erasure:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def _body_pattern(key: str) -> re.Pattern:
    """The key's characters in a body with separators stripped, not inside a longer number."""
    return re.compile(rb"(?<![0-9])" + re.escape(key.encode()) + rb"(?![0-9])", re.IGNORECASE)


def events_mentioning(key: str, *, batch: int = SCAN_BATCH) -> set[int]:
    """Ids of the deliveries whose body holds the number, read ``batch`` bodies at a time."""
    pattern = _body_pattern(key)
    found: set[int] = set()
    last = 0
    while True:
        rows = list(
            WebhookEvent.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "body")[:batch]
        )
        if not rows:
            return found
        for pk, body in rows:
            if pattern.search(_SEPARATORS.sub(b"", bytes(body)).lower()):
                found.add(pk)
        last = rows[-1][0]


def customer_key(phone: str) -> str:
    key = phone_key(phone)
    if sum(character.isdigit() for character in key) < MIN_KEY_LENGTH:
        raise ErasureError(
            f"a phone number needs at least {MIN_KEY_LENGTH} digits to name one customer"
        )
    return key


def customer_erase(
    *, phone: str, dry_run: bool = False, user=None, request=None, username: str = ""
) -> ErasureReport:
    """Remove everything held about the customer with number ``phone``; see the module."""
    key = customer_key(phone)
    report = ErasureReport(subject_hash=subject_hash(key), dry_run=dry_run)
    with transaction.atomic():
        erasers = [kind.erase for kind in reading.all_kinds() if kind.erase]
        parts = [erase(key) for erase in [*erasers, *erasure.others()]]
        event_ids = events_mentioning(key).union(*(part.events for part in parts))
        for part in parts:
            report.counts.update(part.counts)
        report.counts["webhook events"] = len(event_ids)
        if dry_run:
            return report
        for part in parts:
            part.apply()
        WebhookEvent.objects.filter(Q(pk__in=event_ids)).delete()
        audit_record(
            user=user,
            action=Action.ERASE_CUSTOMER,
            label=f"customer {report.subject_hash[:12]}: {report.total} rows",
            request=request,
            details=report.as_dict(),
            username=username,
        )
    return report
