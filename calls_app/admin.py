"""Call results for support staff: a filterable list, each call read as a dialogue, and a
customer's history across calls and chat sessions.

Records come only from AI Rudder's pushes, so nobody adds or edits them here, superusers
included; deleting stays a matter of permissions. Customer numbers and names are masked for
staff without ``integrations.view_contact_details`` (searching by them still works), and the list
takes the dashboard's filter parameters and exports as CSV (``integrations.admin_mixins``).
"""

import re

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from integrations.admin_mixins import (
    ContactDetailsAdminMixin,
    CsvExportAdminMixin,
    parameter_list_filter,
)
from integrations.phones import phone_key
from integrations.privacy import can_view_contact_details, mask_phone
from sessions_app.models import ChatSession

from . import rendering
from .exports import CALL_RESULTS_CSV
from .filters import CallResultFilter, CallResultListFilter
from .models import CallResult
from .selectors import HISTORY_LIMIT, customer_history, customer_history_url

# A search term that is a phone number, however it is spaced (AI Rudder masks digits with x).
_PHONE_TERM = re.compile(r"^\+?[\d\sx\-().]{4,}$")


def _may_view(request, model) -> bool:
    opts = model._meta
    return any(
        request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def _record_id(value: str) -> int:
    """A record's id from the query string; anything else is no record (404), not an error."""
    if not value.isdigit():
        raise Http404("no such record")
    return int(value)


def _change_url(model, pk: int) -> str | None:
    """The admin page of a record, or ``None`` when its model has no admin."""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


@admin.register(CallResult)
class CallResultAdmin(ContactDetailsAdminMixin, CsvExportAdminMixin, admin.ModelAdmin):
    list_display = [
        "started",
        "callee_name",
        "callee_number",
        "case_id",
        "workflow",
        "intention",
        "hangup_type",
        "ring_type",
        "answered",
        "duration",
        "talk_round",
    ]
    list_filter = [
        # The parameters the dashboard's and the API's links use (``?date_from=…&intention=E``);
        # the sidebars of values below speak them too, so "(none)" and repeated values work.
        CallResultListFilter,
        parameter_list_filter(CallResultFilter, "intention"),
        ("workflow", admin.RelatedOnlyFieldListFilter),
        parameter_list_filter(CallResultFilter, "hangup_type"),
        parameter_list_filter(CallResultFilter, "ring_type"),
        "answered",
        parameter_list_filter(CallResultFilter, "robot_id"),
        "started_at",
    ]
    search_fields = ["call_id", "case_id", "callee_number", "contact_number", "callee_name"]
    search_help_text = "Call id, case id, customer number (dialled or uploaded) or name."
    list_select_related = ["workflow"]
    date_hierarchy = "started_at"
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("call_id", "workflow"),
                    ("callee_name", "case_id"),
                    ("callee_number", "caller_number"),
                    ("started", "ended"),
                    ("answered", "duration", "talk_round"),
                    ("call_times", "ring_time", "ring_type", "hangup_type"),
                    ("intention", "intention_description"),
                ]
            },
        ),
        (
            "AI Rudder ids",
            {
                "classes": ["collapse"],
                "fields": [
                    "task_id",
                    "robot_id",
                    "time_zone",
                    "asr_ptp",
                    "last_pushed_at",
                    "event",
                    "updated_at",
                ],
            },
        ),
    ]
    readonly_fields = ["started", "ended", "duration"]
    contact_phone_fields = ("callee_number", "contact_number")
    contact_name_fields = ("callee_name",)
    csv_export = CALL_RESULTS_CSV
    actions = ["export_csv"]
    change_list_template = "admin/integrations/change_list_export.html"

    class Media:
        css = {"all": ["calls_app/call.css"]}

    # --- read-only ------------------------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if _PHONE_TERM.match(term) and (key := phone_key(term)):
            results |= queryset.filter(
                Q(callee_number_key__contains=key) | Q(contact_number_key__contains=key)
            )
        return results, may_have_duplicates

    # --- columns ----------------------------------------------------------------------------

    @admin.display(description="start time", ordering="started_at")
    def started(self, call: CallResult):
        return self._time(call, call.started_at)

    @admin.display(description="end time", ordering="ended_at")
    def ended(self, call: CallResult):
        return self._time(call, call.ended_at)

    def _time(self, call: CallResult, value):
        if value is None:
            return "-"
        here = timezone.localtime(value)
        zone = timezone.get_current_timezone_name()
        if call.time_zone == zone:  # the account's local time is the one already shown
            return f"{here:%Y-%m-%d %H:%M:%S} {zone}"
        return format_html(
            "{} {}<br><small>{}</small>",
            f"{here:%Y-%m-%d %H:%M:%S}",
            zone,
            rendering.local_time_text(call, value),
        )

    @admin.display(description="duration", ordering="talk_seconds")
    def duration(self, call: CallResult) -> str:
        return rendering.duration_text(call.talk_seconds)

    # --- the call page ------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                rendering.call_page(obj, reveal=can_view_contact_details(request.user)),
                history_url=customer_history_url(call=obj),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- customer history -------------------------------------------------------------------

    def get_urls(self):
        history = path(
            "history/",
            self.admin_site.admin_view(self.customer_history_view),
            name="calls_app_customer_history",
        )
        return [history, *super().get_urls()]

    def customer_history_view(self, request):
        """Every call and chat session of a number or case id; each row opens its record.

        Rows are limited to what the user may view: calls, chat sessions, or both.
        """
        may_calls, may_sessions = _may_view(request, CallResult), _may_view(request, ChatSession)
        if not (may_calls or may_sessions):
            raise PermissionDenied
        reveal = can_view_contact_details(request.user)
        phone = request.GET.get("phone", "").strip()
        case_id = request.GET.get("case_id", "").strip()
        subject = ""
        if "call" in request.GET:
            if not may_calls:
                raise PermissionDenied
            call = get_object_or_404(CallResult, pk=_record_id(request.GET["call"]))
            phone, case_id = call.callee_number or call.contact_number, call.case_id
            subject = f"call {call.call_id}"
        elif "chat_session" in request.GET:
            if not may_sessions:
                raise PermissionDenied
            session = get_object_or_404(ChatSession, pk=_record_id(request.GET["chat_session"]))
            phone, case_id = session.callee, ""
            subject = f"chat session {session.call_id}"
        rows = customer_history(
            phone=phone, case_id=case_id, calls=may_calls, chat_sessions=may_sessions
        )
        models = {"call": CallResult, "chat session": ChatSession}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Customer history",
            "subject": subject,
            "phone": phone if reveal or not subject else mask_phone(phone),
            "case_id": case_id,
            "searched": bool(phone or case_id),
            "form_values": {"phone": "" if subject else phone, "case_id": case_id},
            "rows": [
                {
                    "row": row,
                    "url": _change_url(models[row.kind], row.pk),
                    "phone": row.phone if reveal else mask_phone(row.phone),
                }
                for row in rows
            ],
            "limit_reached": len(rows) >= HISTORY_LIMIT,
        }
        return TemplateResponse(request, "admin/calls_app/customer_history.html", context)
