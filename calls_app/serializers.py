"""Call results as the REST API shows them; customer numbers and names masked for most users."""

from rest_framework import serializers

from privacy.masking import ContactDetailsMaskingMixin
from records.api import LabelledRecords, RecordSerializer, record_url

from .models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn

# The fields of a list row and of a detail (which adds its related rows).
CALL_FIELDS = [
    "url", "call_id", "workflow", "task_id", "robot_id", "callee_number",
    "caller_number", "case_id", "callee_name", "contact_number", "started_at",
    "ended_at", "answered", "talk_seconds", "call_times", "ring_time", "ring_type",
    "hangup_type", "intention", "intention_label", "intention_description", "talk_round",
]  # fmt: skip


class CallResultSerializer(RecordSerializer):
    record_kind = "calls"
    url = record_url("call-detail")
    phone_fields = ("callee_number", "contact_number")
    name_fields = ("callee_name",)
    name_lookups = ("callee_name", "contact")
    text_fields = ("intention_description",)

    class Meta:
        model = CallResult
        fields = CALL_FIELDS
        list_serializer_class = LabelledRecords


class TranscriptTurnSerializer(serializers.ModelSerializer):
    class Meta:
        model = TranscriptTurn
        fields = ["position", "offset", "offset_seconds", "robot_text", "customer_text"]


class CallAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallAnswer
        fields = [
            "position", "question_name", "question_content", "question_type", "answer",
            "answer_text", "answer_text_slot", "var", "status", "verification_results",
            "whether_answer",
        ]  # fmt: skip


class RedialSerializer(ContactDetailsMaskingMixin, serializers.ModelSerializer):
    # The caller number is the business's own line, not a customer detail.
    phone_fields = ("callee_number",)

    class Meta:
        model = Redial
        fields = [
            "position", "redial_call_id", "started_at", "ring_type", "ring_time", "hangup_type",
            "result_label", "callee_number", "caller_number",
        ]  # fmt: skip


class NodePushSerializer(serializers.ModelSerializer):
    class Meta:
        model = NodePush
        fields = ["node_id", "node_name", "custom_attribute", "received_at"]


class CallResultDetailSerializer(CallResultSerializer):
    transcript = TranscriptTurnSerializer(many=True, read_only=True)
    answers = CallAnswerSerializer(many=True, read_only=True)
    redials = RedialSerializer(many=True, read_only=True)
    node_pushes = NodePushSerializer(many=True, read_only=True)

    # What was said, typed or uploaded: numbers and the customer's name masked in it.
    text_fields = (
        "intention_description", "extra_a", "extra_b", "extra_c", "extra", "extend", "comments",
        "platform_name", "multi_label", "ner_slots", "asr_ptp", "transcript", "answers",
        "node_pushes",
    )  # fmt: skip

    class Meta(CallResultSerializer.Meta):
        fields = [
            *CallResultSerializer.Meta.fields,
            "callee_gender", "platform_name", "extra_a", "extra_b", "extra_c", "extra", "extend",
            "comments", "borrowed_date", "due_date", "borrowed_amount", "total_owing_amount",
            "currency_unit", "time_zone", "multi_label", "ner_slots", "asr_ptp", "last_pushed_at",
            "transcript", "answers", "redials", "node_pushes",
        ]  # fmt: skip
