"""The promised date and amount, read from what a body carries: ``asr_ptp`` or the slots an
account names (``SlotNames``, else the defaults in settings), compared by folded name.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from .models import SlotNames
from .vocabulary import fold

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_DATE_IN_TEXT = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")
_MONEY = re.compile(r"^[^\d\-]*(-?[\d.,\s]+?)[^\d]*$")


@dataclass(frozen=True)
class Terms:
    date: dt.date | None = None
    amount: Decimal | None = None


def parse_date(value) -> dt.date | None:
    """A date written as AI Rudder's slots write them (ISO, or day first), else ``None``."""
    text = str(value or "").strip()[:40]
    match = _DATE_IN_TEXT.search(text)
    if not match:
        return None
    for layout in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(match.group(), layout).date()
        except ValueError:
            continue
    return None


def parse_amount(value) -> Decimal | None:
    """An amount (``1,500,000``, ``1.500.000``, ``Rp 250000``, ``99.50``), else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip()
    match = _MONEY.match(text)
    if not match or parse_date(text) or len(re.sub(r"\D", "", text)) > 15:
        return None
    number = re.sub(r"\s", "", match.group(1))
    separators = [c for c in number if c in ",."]
    if len(set(separators)) == 2:  # the last one is the decimal point
        decimal = number.rfind(",") if number.rfind(",") > number.rfind(".") else number.rfind(".")
        number = re.sub(r"[.,]", "", number[:decimal]) + "." + number[decimal + 1 :]
    elif separators and (len(separators) > 1 or len(number.split(separators[0])[1]) == 3):
        number = re.sub(r"[.,]", "", number)  # thousands
    else:
        number = number.replace(",", ".")
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None


def slot_names(endpoint_id: int | None) -> tuple[frozenset[str], frozenset[str]]:
    """The folded names of the slots carrying a promised date, and an amount, for an account."""
    names = SlotNames.objects.filter(endpoint_id=endpoint_id).first() if endpoint_id else None
    dates = (names and names.date_slots) or settings.COLLECTIONS_PROMISE_DATE_SLOTS
    amounts = (names and names.amount_slots) or settings.COLLECTIONS_PROMISE_AMOUNT_SLOTS
    return frozenset(map(fold, dates)), frozenset(map(fold, amounts))


def _from_asr_ptp(value: str) -> tuple[Terms, dict]:
    text = (value or "").strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return Terms(), parsed
    date = parse_date(text)
    return Terms(date=date, amount=None if date else parse_amount(text)), {}


def promise_terms(
    *,
    slots: dict,
    asr_ptp: str = "",
    endpoint_id: int | None = None,
    names: tuple[frozenset, frozenset] | None = None,
) -> Terms:
    """The date and amount promised, each ``None`` when the body does not carry one; ``names``
    (``slot_names`` of the account, read once per batch) spares the read."""
    date_names, amount_names = names or slot_names(endpoint_id)
    from_ptp, ptp_slots = _from_asr_ptp(asr_ptp)
    values = {**(slots if isinstance(slots, dict) else {}), **ptp_slots}
    date, amount = from_ptp.date, from_ptp.amount
    for name, value in values.items():
        key = fold(name)
        if date is None and (key in date_names or (ptp_slots and "date" in key)):
            date = parse_date(value)
        if amount is None and (key in amount_names or (ptp_slots and "amount" in key)):
            amount = parse_amount(value)
    return Terms(date=date, amount=amount)
