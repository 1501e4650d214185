"""Each account's outcome vocabulary: seeded from what AI Rudder sends, corrected by people.

An intention's first description is its label (later ones become variants); its group is a
guess from the words of that description until someone sets it. Event labels are keyed by their
folded spelling (``RPC-Already_Paid`` and ``rpc already paid`` are one).
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Group, Outcome

_SPACING = re.compile(r"[\s\-_]+")

# Words of a description, folded, and the group they suggest; the first that matches wins.
_GUESSES = (
    (("wrong", "notdebtor", "notthe", "salah"), Group.WRONG_PARTY),
    (("alreadypaid", "claimpaid", "claimspaid", "haspaid", "paid", "lunas"), Group.CLAIMS_PAID),
    (("ptp", "promise", "willpay", "janji"), Group.PROMISE_TO_PAY),
    (("refus", "reject", "notpay", "wontpay", "nopayment"), Group.REFUSED),
    (("dispute", "complain"), Group.DISPUTE),
    (("callback", "callagain", "later", "busy"), Group.CALLBACK),
    (("novoice", "noanswer", "noresponse", "voicemail", "silent", "unreach"), Group.NO_CONTACT),
)


def fold(text: str) -> str:
    """The key of a label however it is spelled: lower case, no spaces, dashes or underscores."""
    return _SPACING.sub("", str(text or "")).lower()


def guess_group(description: str) -> str:
    folded = fold(description)
    for words, group in _GUESSES:
        if any(word in folded for word in words):
            return group
    return Group.OTHER


def right_party_label_keys() -> frozenset[str]:
    """The folded event labels marked right party when first seen (``Correct_Person``)."""
    names = getattr(settings, "COLLECTIONS_RIGHT_PARTY_LABELS", ["Correct_Person"])
    return frozenset(fold(name) for name in names)


def _seed(
    endpoint_id: int, kind: str, code: str, label: str, defaults: dict, known: dict | None
) -> bool:
    """Remember ``code``, or ``label`` as its variant; ``known`` (the account's vocabulary, read
    just before) spares the query when both are known already, and is kept current with what
    this writes. Returns whether it wrote."""
    known = {} if known is None else known
    seen = known.get((kind, code))
    if seen is not None and label in (seen.label, *seen.variants):
        return False
    outcome = Outcome.objects.filter(endpoint_id=endpoint_id, kind=kind, code=code).first()
    if outcome is None:
        try:
            with transaction.atomic():
                known[(kind, code)] = Outcome.objects.create(
                    endpoint_id=endpoint_id, kind=kind, code=code, label=label, **defaults
                )
            return True
        except IntegrityError:  # another worker seeded it first: it won
            outcome = Outcome.objects.get(endpoint_id=endpoint_id, kind=kind, code=code)
    known[(kind, code)] = outcome
    if label and label != outcome.label and label not in outcome.variants:
        outcome.variants = [*outcome.variants, label]
        outcome.save(update_fields=["variants"])
        return True
    return False


def intention_seed(
    *, endpoint_id: int, kind: str, code: str, description: str = "", known: dict | None = None
) -> bool:
    """Remember ``code`` for the account: its first description is its label."""
    if not code:
        return False
    label = description.strip() or code
    return _seed(endpoint_id, kind, code, label, {"group": guess_group(label)}, known)


def labels_seed(*, endpoint_id: int, names: Iterable[str], known: dict | None = None) -> bool:
    """Remember each event label by its folded key; returns whether it wrote."""
    written = False
    right_party = right_party_label_keys()
    for name in names:
        key = fold(name)
        if not key:
            continue
        defaults = {"group": guess_group(name), "right_party": key in right_party}
        written |= _seed(endpoint_id, Outcome.Kind.LABELS, key, str(name), defaults, known)
    return written


def vocabulary(endpoint_id: int | None) -> dict[tuple[str, str], Outcome]:
    """The account's outcomes by (kind, code): a few dozen rows, read once per record."""
    if endpoint_id is None:
        return {}
    return {(o.kind, o.code): o for o in Outcome.objects.filter(endpoint_id=endpoint_id)}


def outcome_label(
    *, endpoint, kind: str, code: str, label: str, group: str, right_party: bool | None = None
) -> Outcome:
    """Set what ``code`` means for the account (``kind`` ``labels``: an event label, folded)."""
    if group not in Group.values:
        raise ValueError(f"group must be one of {', '.join(Group.values)}, not {group!r}")
    if kind not in Outcome.Kind.values:
        raise ValueError(f"kind must be one of {', '.join(Outcome.Kind.values)}, not {kind!r}")
    key = fold(code) if kind == Outcome.Kind.LABELS else code
    values = {"label": label, "group": group}
    if right_party is not None:
        values["right_party"] = right_party
    outcome, _ = Outcome.objects.update_or_create(
        endpoint=endpoint, kind=kind, code=key, defaults=values
    )
    return outcome
