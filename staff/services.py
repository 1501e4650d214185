from django.contrib.auth.base_user import AbstractBaseUser

from .models import StaffSettings
from .zones import validate_zone


def staff_time_zone_set(*, user: AbstractBaseUser, time_zone: str) -> StaffSettings:
    """Give ``user`` a time zone (``""``: the site's); raises ``ValidationError`` if unknown."""
    validate_zone(time_zone)
    staff_settings, _ = StaffSettings.objects.update_or_create(
        user=user, defaults={"time_zone": time_zone}
    )
    return staff_settings


def staff_accounts_set(*, user: AbstractBaseUser, endpoint_ids: list[int]) -> StaffSettings:
    """Give ``user`` the accounts they may see (none: every account)."""
    staff_settings, _ = StaffSettings.objects.get_or_create(user=user)
    staff_settings.endpoints.set(endpoint_ids)
    if hasattr(user, "_account_ids"):
        del user._account_ids
    return staff_settings


def staff_account_ids(user: AbstractBaseUser | None) -> frozenset[int] | None:
    """The accounts ``user`` may see, or ``None`` for every one (superusers, and users given
    none); read once per request and kept on the user."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_account_ids"):
        ids = frozenset(
            StaffSettings.endpoints.through.objects.filter(
                staffsettings__user_id=user.pk
            ).values_list("webhookendpoint_id", flat=True)
        )
        user._account_ids = ids or None
    return user._account_ids


def staff_time_zone(user: AbstractBaseUser) -> str:
    return (
        StaffSettings.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
        or ""
    )
