import zoneinfo

from django import forms

from .zones import validate_zone


def _zones() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)
    return [("", "The site's time zone"), *((zone, zone.replace("_", " ")) for zone in zones)]


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        choices=_zones, required=False, validators=[validate_zone], label="Time zone"
    )
