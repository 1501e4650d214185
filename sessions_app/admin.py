"""Chat sessions for support staff: a filterable list, and each conversation as a read-only chat.

Read-only, as every record AI Rudder pushes (``records.admin.record.RecordAdmin``). The
customer's number, and contacts shared in the conversation, are masked for staff without
``integrations.view_contact_details`` (searching by the number still works); the list takes the
dashboard's filter parameters and exports as CSV.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from privacy.masking import (
    can_view_contact_details,
    mask_free_text,
    mask_phone,
    record_customer_names,
)
from records.admin.labels import intention_choices
from records.admin.list_filters import parameter_list_filter
from records.admin.record import RecordAdmin
from records.display import duration_text

from . import rendering
from .exports import CHAT_SESSIONS_CSV
from .filters import ChatSessionFilter, ChatSessionListFilter
from .models import ChatSession


@admin.register(ChatSession)
class ChatSessionAdmin(RecordAdmin):
    record_kind = "sessions"
    list_display = [
        "ended_at",
        "callee",
        "workflow",
        "intention",
        "end_reason_display",
        "channel",
        "talk_round",
        "duration",
        "handed_over",
    ]
    # Only columns an index leads sort (``ChatSession.Meta``): the others are filters.
    sortable_by = ["ended_at", "time_of_ended_at", "duration"]
    list_filter = [
        # The parameters the dashboard's and the API's links use (``?date_from=…&intention=E``);
        # the sidebars of values below speak them too, so "(none)" and repeated values work.
        ChatSessionListFilter,
        parameter_list_filter(ChatSessionFilter, "intention", labels=intention_choices("sessions")),
        parameter_list_filter(ChatSessionFilter, "end_reason"),
        ("workflow", admin.RelatedOnlyFieldListFilter),
        parameter_list_filter(ChatSessionFilter, "channel"),
        "handed_over",
        "ended_at",
    ]
    # The number is searched by its key (``PhoneSearchAdminMixin``), the workflow's name by
    # ``workflow_search``; the call id has a trigram index on PostgreSQL.
    search_fields = ["call_id"]
    workflow_search = True
    search_help_text = (
        "Call id, customer number (however it is written, even when shown masked), workflow name "
        "or words of the messages (at most 10 words, 200 characters)."
    )
    text_search = ("messages", ("text",))
    date_hierarchy = "ended_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("intention", "intention_label"),
                    ("end_reason_display", "handed_over"),
                    ("callee", "channel"),
                    ("ended_at", "duration", "message_count"),
                    ("workflow",),
                ]
            },
        ),
        (
            "Session details",
            {
                "classes": ["collapse"],
                "fields": [
                    ("call_id", "channel_id"),
                    ("nodetask_name", "started_at"),
                    ("talk_round",),
                ],
            },
        ),
        (
            "AI Rudder ids",
            {
                "classes": ["collapse"],
                "fields": [
                    "robot_id",
                    "nodetask_id",
                    "waba_task_id",
                    "wfdetail_uuid",
                    "status",
                    "notified_at",
                    "event",
                    "updated_at",
                ],
            },
        ),
    ]
    readonly_fields = ["duration", "end_reason_display", "intention_label"]
    contact_phone_fields = ("callee",)
    customer_name_lookups = ("variables",)
    masked_texts = {"content_type": "contacts"}
    csv_export = CHAT_SESSIONS_CSV

    class Media:
        css = {"all": ["sessions_app/chat.css"]}

    @admin.display(description="end reason", ordering="end_reason")
    def end_reason_display(self, session: ChatSession) -> str:
        return session.get_end_reason_display()

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, session: ChatSession) -> str:
        return duration_text(session.duration_seconds)

    def conversation_context(self, request, session: ChatSession) -> dict:
        """What the change page shows below the fields, customer details masked as the fields
        are: shared contacts, and numbers and the customer's name in every text and table."""
        reveal = can_view_contact_details(request.user)
        names = () if reveal else record_customer_names(session, self.customer_name_lookups)

        def shown(value):
            return value if reveal else mask_free_text(value, names)

        return {
            "transcript": rendering.transcript(session.messages.all(), reveal=reveal, names=names),
            "data_tables": [
                {"title": "Slots", "rows": rendering.key_values(shown(session.ner_slots))},
                {"title": "Event labels", "rows": rendering.key_values(shown(session.event_label))},
                {"title": "Variables", "rows": rendering.key_values(shown(session.variables))},
            ],
        }

    def record_title(self, session: ChatSession, *, reveal: bool) -> str:
        """``+62 812-•••• · E · 2026-12-04 21:48 WIB``: the customer, the outcome, when it ended."""
        who = session.callee or "Unknown customer"
        if not reveal:
            who = mask_phone(who)
        moment = session.ended_at or session.started_at
        when = f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}" if moment else ""
        return " · ".join(part for part in (who, session.intention or "No outcome", when) if part)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.conversation_context(request, obj))
            context.update(
                self.search_hits_context(request, obj.messages.all(), ("text",), record=obj)
            )
            # Every call and chat session of the same customer; the page reads the number from
            # the session, so it is never written into the URL.
            if obj.callee:
                context["history_url"] = f"{reverse('customers:history')}?chat_session={obj.pk}"
        return super().render_change_form(request, context, add, change, form_url, obj)
