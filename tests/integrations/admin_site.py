"""A test-only admin site whose record admins adopt ``integrations.admin_mixins`` the way the
real ones are meant to, so the mixins are tested through HTTP without the real admins.

Used as a URLconf: ``@pytest.mark.urls("tests.integrations.admin_site")``.
"""

from django.contrib import admin
from django.urls import path

from calls_app.exports import CALL_RESULTS_CSV
from calls_app.filters import CallResultFilter, CallResultListFilter
from calls_app.models import CallResult
from integrations.admin_mixins import (
    ContactDetailsAdminMixin,
    CsvExportAdminMixin,
    parameter_list_filter,
)
from sessions_app.exports import CHAT_SESSIONS_CSV
from sessions_app.filters import ChatSessionListFilter
from sessions_app.models import ChatSession

site = admin.AdminSite(name="testadmin")


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallResult, site=site)
class CallResultAdmin(ReadOnly, ContactDetailsAdminMixin, CsvExportAdminMixin, admin.ModelAdmin):
    list_display = ["call_id", "callee_number", "callee_name", "intention"]
    list_filter = [
        CallResultListFilter,
        parameter_list_filter(CallResultFilter, "intention"),
        "hangup_type",  # Django's own filter, for a parameter the FilterSet also has
        "answered",
    ]
    search_fields = ["call_id", "case_id", "callee_number", "callee_name"]
    fieldsets = [
        (None, {"fields": ["call_id", ("callee_number", "contact_number"), "callee_name"]}),
        ("Outcome", {"fields": ["intention", "hangup_type"]}),
    ]
    contact_phone_fields = ("callee_number", "contact_number")
    contact_name_fields = ("callee_name",)
    csv_export = CALL_RESULTS_CSV
    actions = ["export_csv"]
    change_list_template = "admin/integrations/change_list_export.html"


@admin.register(ChatSession, site=site)
class ChatSessionAdmin(ReadOnly, ContactDetailsAdminMixin, CsvExportAdminMixin, admin.ModelAdmin):
    list_display = ["call_id", "callee", "intention"]
    list_filter = [ChatSessionListFilter]
    contact_phone_fields = ("callee",)
    csv_export = CHAT_SESSIONS_CSV
    actions = ["export_csv"]


urlpatterns = [path("admin/", site.urls)]
