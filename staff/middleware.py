"""Every page of a signed-in user in their own time zone (read once per session)."""

import zoneinfo

from django.utils import timezone

from .services import staff_time_zone

SESSION_KEY = "staff_time_zone"


class UserTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = ""
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if SESSION_KEY not in request.session:
                request.session[SESSION_KEY] = staff_time_zone(user)
            zone = request.session[SESSION_KEY]
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
