"""Django's English formats, with every date-time as the project writes it: ISO order, 24 h,
and the zone (``2026-12-05 05:30:00 WIB``), so a time on any admin page says its zone."""

DATETIME_FORMAT = "Y-m-d H:i:s T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
