from django.contrib.auth.base_user import AbstractBaseUser

from .models import StaffSettings, validate_zone


def staff_time_zone_set(*, user: AbstractBaseUser, time_zone: str) -> StaffSettings:
    """Give ``user`` a time zone (``""``: the site's); raises ``ValidationError`` if unknown."""
    validate_zone(time_zone)
    staff_settings, _ = StaffSettings.objects.update_or_create(
        user=user, defaults={"time_zone": time_zone}
    )
    return staff_settings


def staff_time_zone(user: AbstractBaseUser) -> str:
    return (
        StaffSettings.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
        or ""
    )
