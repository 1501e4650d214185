"""A time zone's IANA name, as an account and a user each keep one: one validator, one field."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models


def validate_zone(value: str) -> None:
    if not value:
        return
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            f"{value!r} is not an IANA time zone. Write one like Asia/Jakarta."
        ) from exc


def zone_field(help_text: str, **kwargs) -> models.CharField:
    return models.CharField(
        max_length=64, validators=[validate_zone], help_text=help_text, **kwargs
    )
