"""Chat sessions for support staff: a filterable list, and each conversation as a read-only chat.

Records come only from AI Rudder's notifications, so nobody adds or edits them here, superusers
included; deleting stays a matter of permissions.
"""

from django.contrib import admin

from . import rendering
from .models import ChatSession


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
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
    list_filter = [
        "intention",
        "end_reason",
        ("workflow", admin.RelatedOnlyFieldListFilter),
        "channel",
        "handed_over",
        "ended_at",
    ]
    search_fields = ["call_id", "callee", "workflow__name"]
    list_select_related = ["workflow"]
    date_hierarchy = "ended_at"
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("call_id", "callee"),
                    ("channel", "channel_id"),
                    ("workflow", "nodetask_name"),
                    ("started_at", "ended_at", "duration"),
                    ("end_reason_display", "intention", "talk_round"),
                    ("handed_over", "message_count"),
                ]
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
    readonly_fields = ["duration", "end_reason_display"]

    class Media:
        css = {"all": ["sessions_app/chat.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="end reason", ordering="end_reason")
    def end_reason_display(self, session: ChatSession) -> str:
        return session.get_end_reason_display()

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, session: ChatSession) -> str:
        return rendering.duration_text(session.duration_seconds)

    def conversation_context(self, request, session: ChatSession) -> dict:
        """What the change page shows below the fields; override to mask or add to it."""
        return {
            "transcript": rendering.transcript(session.messages.all()),
            "data_tables": [
                {"title": "Slots", "rows": rendering.key_values(session.ner_slots)},
                {"title": "Event labels", "rows": rendering.key_values(session.event_label)},
                {"title": "Variables", "rows": rendering.key_values(session.variables)},
            ],
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.conversation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)
