"""Amounts as people read them: by their currency's rules (Babel), in the viewer's language."""

from decimal import Decimal

from babel.core import UnknownLocaleError
from babel.numbers import UnknownCurrencyError, format_currency, format_decimal
from django.conf import settings
from django.utils import translation


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def money_text(amount: Decimal | None, currency: str = "", locale: str | None = None) -> str:
    """``20310.0000`` in ``USD`` reads ``$20,310.00``; an unknown currency keeps its code."""
    if amount is None:
        return ""
    locale = locale or _locale()
    code = (currency or "").strip().upper()
    try:
        if len(code) == 3 and code.isalpha():
            return format_currency(amount, code, locale=locale)
        text = format_decimal(amount, locale=locale, decimal_quantization=False)
    except (UnknownCurrencyError, UnknownLocaleError, ValueError):
        text = f"{amount:,.2f}"
    return f"{text} {currency}".strip()
