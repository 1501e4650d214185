from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import StaffSettings


class StaffSettingsInline(admin.StackedInline):
    """On the user's own form: the accounts they see and the zone they read times in."""

    model = StaffSettings
    can_delete = False
    filter_horizontal = ["endpoints"]
    verbose_name_plural = "accounts and time zone"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffSettingsInline]
