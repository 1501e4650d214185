"""Phone numbers, matched by one rule everywhere: two numbers are one when their keys are equal.

Ingestion stores each number's key next to it (``phone_key``); the FilterSets' ``callee``
parameter, the admin's search and a customer's history all compare keys through ``phone_match``,
so ``+62 812-3456``, ``628123456``, a local ``0812-3456`` (read in the account's country) and a
URL whose ``+`` became a space find the same records.

A key is the number's E.164 digits (``phonenumbers``), read in a region: the endpoint's
``default_country`` at ingestion, ``AIRUDDER_DEFAULT_PHONE_REGION`` for a search term. A number
AI Rudder masks with ``x``, or one that cannot be read as a number, keeps its own key: its
characters without spacing, dashes, brackets or the leading ``+``. ``manage.py rekey_phones``
recomputes the stored keys after the rule or an endpoint's country changes.
"""

import re
from collections.abc import Sequence

import phonenumbers
from django.conf import settings
from django.db.models import Q

# What people and systems put between digits; none of it tells two numbers apart.
_PUNCTUATION = re.compile(r"[\s\-().]")
# A search term that is a phone number, however it is spaced (AI Rudder masks digits with x).
_PHONE_TERM = re.compile(r"^\+?[\d\sx\-().]{4,}$")
_DIGITS = re.compile(r"^\+?\d+$")
_NOTHING = Q(pk__in=[])


def default_region() -> str:
    """The region numbers without a country code are read in, when no endpoint says otherwise."""
    return (getattr(settings, "AIRUDDER_DEFAULT_PHONE_REGION", "") or "ID").upper()


def _plain_key(number: str) -> str:
    return _PUNCTUATION.sub("", number or "").lstrip("+").lower()


def _e164_digits(number: str, region: str | None, *, valid: bool) -> str:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return ""
    ok = phonenumbers.is_valid_number(parsed) if valid else phonenumbers.is_possible_number(parsed)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[1:] if ok else ""


def phone_key(number: str, region: str | None = None) -> str:
    """The key of ``number``: its E.164 digits when it reads as a number, else its characters.

    ``region`` (ISO 3166 alpha-2, default ``AIRUDDER_DEFAULT_PHONE_REGION``) is the country of
    a number written without its country code: in ``ID``, ``0811-0000-0002``, ``811 0000 0002``,
    ``6281100000002`` and ``+62 811-0000-0002`` are one key, ``6281100000002``. A masked number
    (``+6289xxxx89092``) keeps its characters, so two different masked numbers stay apart.
    """
    plain = _plain_key(number)
    compact = _PUNCTUATION.sub("", number or "")
    if not plain or not _DIGITS.match(compact):
        return plain
    region = (region or default_region()).upper()
    if compact.startswith("+"):
        return _e164_digits(compact, None, valid=False) or plain
    if compact.startswith("0"):  # a trunk prefix: the number as dialled in the region
        return _e164_digits(compact, region, valid=False) or plain
    country_code = str(phonenumbers.country_code_for_region(region) or "")
    if country_code and compact.startswith(country_code):  # its country code without the +
        return _e164_digits(f"+{compact}", None, valid=False) or plain
    return _e164_digits(compact, region, valid=True) or plain


def phone_keys(number: str, region: str | None = None) -> list[str]:
    """The keys a search for ``number`` compares: its key, and its characters as typed
    (records keyed before ``phone_key`` read numbers, and parts of numbers)."""
    keys = [phone_key(number, region), _plain_key(number)]
    return list(dict.fromkeys(key for key in keys if key))


def phone_match(number: str, key_fields: Sequence[str], *, partial: bool = False) -> Q:
    """Records whose number in any of ``key_fields`` (phone keys) is ``number``.

    ``partial`` (the admin's search) also finds numbers that contain it. A number without a key
    (only punctuation) matches nothing rather than every record without a number.
    """
    keys = phone_keys(number)
    if not keys:
        return _NOTHING
    match = Q()
    for field in key_fields:
        if partial:
            for key in keys:
                match |= Q(**{f"{field}__contains": key})
        else:
            match |= Q(**{f"{field}__in": keys})
    return match


def is_phone_term(term: str) -> bool:
    """Whether a search term reads as a phone number rather than a name or an id."""
    return bool(_PHONE_TERM.match(term.strip())) and bool(_plain_key(term))
