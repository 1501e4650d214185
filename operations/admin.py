"""The audit log in the admin: listed, filtered and exported by privacy officers, changed by none.

Registered from ``integrations.admin``. Viewing needs ``integrations.view_auditentry`` (the
"Privacy officers" group, and superusers); nobody, superusers included, adds, changes or deletes
an entry here. Exporting the log is itself an entry of the log.
"""

from django.contrib import admin

from integrations.models import AuditEntry
from privacy.audit import ERASE_PERMISSION, Action, audit_record
from records.admin.export import CsvExportAdminMixin
from records.admin.readonly import ReadOnlyAdminMixin
from records.admin.times import TimesAdminMixin
from records.exports import Column, CsvExport, attribute

AUDIT_LOG_CSV = CsvExport(
    name="audit-log",
    columns=(
        Column("at", attribute("at")),
        Column("username", attribute("username")),
        Column("user_id", attribute("user_id")),
        Column("action", attribute("action")),
        Column("record_type", lambda entry: entry.content_type.model if entry.content_type else ""),
        Column("object_id", attribute("object_id")),
        Column("label", attribute("label")),
        Column("ip_address", attribute("ip_address")),
        Column("path", attribute("path")),
        Column("details", attribute("details")),
    ),
    select_related=("content_type",),
)


@admin.register(AuditEntry)
class AuditEntryAdmin(TimesAdminMixin, ReadOnlyAdminMixin, CsvExportAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "content_type", "label", "ip_address", "path"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    list_select_related = ["content_type"]
    date_hierarchy = "at"
    search_fields = ["username", "label", "object_id"]
    search_help_text = "User name, record label (a call id) or record id."
    fields = [
        ("at", "action"),
        ("user", "username"),
        ("content_type", "object_id", "label"),
        ("ip_address", "path"),
        "details",
    ]
    readonly_fields = [
        name for group in fields for name in (group if isinstance(group, tuple) else [group])
    ]
    actions = ["export_csv"]
    change_list_template = "admin/integrations/auditentry/change_list.html"
    show_full_result_count = False

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def _csv_response(self, request, queryset):
        audit_record(
            user=request.user,
            action=Action.EXPORT_AUDIT_LOG,
            label=f"{queryset.count()} entries",
            request=request,
        )
        return AUDIT_LOG_CSV.response(queryset, reveal=True)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_erase": request.user.has_perm(ERASE_PERMISSION),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)
