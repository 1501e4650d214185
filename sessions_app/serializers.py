"""Chat sessions as the REST API shows them; the customer's number and shared contacts are masked
for users without ``integrations.view_contact_details``."""

from rest_framework import serializers

from privacy.masking import mask_free_text, reveal_for_serializer
from records.api import LabelledRecords, RecordSerializer, record_url

from .content import content_plain_text
from .models import ChatMessage, ChatSession

# The fields of a list row and of a detail (which adds its related rows).
SESSION_FIELDS = [
    "url", "call_id", "workflow", "nodetask_id", "nodetask_name", "waba_task_id",
    "channel", "channel_id", "callee", "robot_id", "status", "started_at", "ended_at",
    "end_reason", "intention", "intention_label", "talk_round", "duration_seconds", "message_count",
    "handed_over", "notified_at",
]  # fmt: skip


class ChatSessionSerializer(RecordSerializer):
    record_kind = "sessions"
    url = record_url("session-detail")
    phone_fields = ("callee",)

    class Meta:
        model = ChatSession
        fields = SESSION_FIELDS
        list_serializer_class = LabelledRecords


class ChatMessageSerializer(serializers.ModelSerializer):
    reply_to_position = serializers.IntegerField(
        source="reply_to.position", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ChatMessage
        fields = [
            "position", "msg_id", "sender_type", "sent_at", "status", "content_type", "content",
            "text", "reply", "reply_to_position",
        ]  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if reveal_for_serializer(self):
            return data
        names = self.context.get("customer_names", ())
        masked = mask_free_text(instance.content, names)
        data["content"] = masked
        data["text"] = mask_free_text(content_plain_text(masked), names)
        if isinstance(instance.reply, dict):
            data["reply"] = mask_free_text(instance.reply, names)
        return data


class ChatSessionDetailSerializer(ChatSessionSerializer):
    messages = ChatMessageSerializer(many=True, read_only=True)
    # The customer's name is a name variable; numbers and it are masked in every text.
    name_lookups = ("variables",)
    text_fields = ("ner_slots", "event_label", "variables")

    class Meta(ChatSessionSerializer.Meta):
        fields = [
            *ChatSessionSerializer.Meta.fields,
            "wfdetail_uuid", "ner_slots", "event_label", "variables", "messages",
        ]  # fmt: skip
