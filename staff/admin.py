from django.contrib import admin

from .models import StaffSettings


@admin.register(StaffSettings)
class StaffSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
