"""Call results for support staff: a filterable list, each call read as a dialogue, and a
customer's history across calls and chat sessions.

Read-only, as every record AI Rudder pushes (``records.admin.record.RecordAdmin``).
Customer numbers and names are masked for staff without ``integrations.view_contact_details``
(searching by them still works), and the list takes the dashboard's filter parameters and exports
as CSV.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from privacy.masking import (
    can_view_contact_details,
    mask_name,
    mask_phone,
    mask_text,
    record_customer_names,
)
from records.admin.labels import intention_choices
from records.admin.list_filters import parameter_list_filter
from records.admin.record import RecordAdmin
from records.display import duration_text
from records.money import money_text

from . import rendering
from .exports import CALL_RESULTS_CSV
from .filters import CallResultFilter, CallResultListFilter
from .models import CallResult


@admin.register(CallResult)
class CallResultAdmin(RecordAdmin):
    record_kind = "calls"
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
    # Sorting by a column no index leads (intention, name, ...) sorts a million calls on every
    # page view: those are filters instead. These two have indexes (``CallResult.Meta``).
    sortable_by = ["started", "duration"]
    list_filter = [
        # The parameters the dashboard's and the API's links use (``?date_from=…&intention=E``);
        # the sidebars of values below speak them too, so "(none)" and repeated values work.
        CallResultListFilter,
        parameter_list_filter(CallResultFilter, "intention", labels=intention_choices("calls")),
        ("workflow", admin.RelatedOnlyFieldListFilter),
        parameter_list_filter(CallResultFilter, "hangup_type"),
        parameter_list_filter(CallResultFilter, "ring_type"),
        "answered",
        parameter_list_filter(CallResultFilter, "robot_id"),
        "started_at",
    ]
    # Numbers are searched by their keys (``PhoneSearchAdminMixin``), workflow names by
    # ``workflow_search``; these three have trigram indexes on PostgreSQL.
    search_fields = ["call_id", "case_id", "callee_name"]
    workflow_search = True
    search_help_text = (
        "Call id, case id, customer number (dialled or uploaded, however it is written) or name, "
        "workflow name, or words of the transcript (at most 10 words, 200 characters)."
    )
    text_search = ("transcript", ("robot_text", "customer_text"))
    date_hierarchy = "started_at"
    fieldsets = [
        (
            None,  # what came out, at a glance; the dialogue follows it
            {
                "fields": [
                    ("intention", "intention_label", "intention_description"),
                    ("answered", "duration", "talk_round"),
                    ("callee_name", "callee_number"),
                    ("owing", "due"),
                    ("started", "workflow"),
                ]
            },
        ),
        (
            "Call details",
            {
                "classes": ["collapse"],
                "fields": [
                    ("call_id", "case_id"),
                    ("caller_number", "ended"),
                    ("call_times", "ring_time", "ring_type", "hangup_type"),
                ],
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
    readonly_fields = ["started", "ended", "duration", "owing", "due", "intention_label"]
    contact_phone_fields = ("callee_number", "contact_number")
    contact_name_fields = ("callee_name",)
    customer_name_lookups = ("callee_name", "contact")
    contact_text_fields = ("intention_description", "asr_ptp")
    csv_export = CALL_RESULTS_CSV

    class Media:
        css = {"all": ["calls_app/call.css"]}

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

    @admin.display(description="amount owing")
    def owing(self, call: CallResult) -> str:
        """By its currency's rules (``Rp 5.619.624,20``), not the stored ``5619624.2000``."""
        return money_text(call.total_owing_amount, call.currency_unit) or "-"

    @admin.display(description="due date")
    def due(self, call: CallResult) -> str:
        """The due date, and how many days past it the call was made."""
        if call.due_date is None:
            return "-"
        if call.started_at is None:
            return f"{call.due_date:%Y-%m-%d}"
        late = (timezone.localtime(call.started_at).date() - call.due_date).days
        when = f"{late} days past due" if late > 0 else "not yet due"
        return f"{call.due_date:%Y-%m-%d} ({when} at the call)"

    @admin.display(description="duration", ordering="talk_seconds")
    def duration(self, call: CallResult) -> str:
        return duration_text(call.talk_seconds)

    # --- the call page ------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        """The amounts row only for calls that carry an amount or a due date."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.total_owing_amount is not None or obj.due_date is not None:
            return fieldsets
        (title, options), *rest = fieldsets
        rows = [row for row in options["fields"] if "due_date" not in row]
        return [(title, {**options, "fields": rows}), *rest]

    def record_title(self, call: CallResult, *, reveal: bool) -> str:
        """``Rina Saputra · Promise to pay · 2026-12-04 21:48 WIB``: who, what, when."""
        who = call.callee_name or call.callee_number or call.contact_number or "Unknown customer"
        if not reveal:
            who = mask_name(call.callee_name) if call.callee_name else mask_phone(who)
        outcome = call.intention_description or call.intention or "No outcome"
        if not reveal:
            outcome = mask_text(outcome, record_customer_names(call, self.customer_name_lookups))
        when = f"{timezone.localtime(call.started_at):%Y-%m-%d %H:%M %Z}" if call.started_at else ""
        return " · ".join(part for part in (who, outcome, when) if part)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                rendering.call_page(obj, reveal=can_view_contact_details(request.user)),
                history_url=f"{reverse('customers:history')}?call={obj.pk}",
            )
            context.update(
                self.search_hits_context(
                    request, obj.transcript.all(), ("robot_text", "customer_text"), record=obj
                )
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
