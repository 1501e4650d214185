import zoneinfo
from datetime import datetime

from django.db import models

from records.fields import (
    account_field,
    phone_key_field,
    record_indexes,
    webhook_event_field,
)


class CallResult(models.Model):
    """One voicebot call, as the API nodes of its workflow pushed it.

    Several API nodes of one workflow can push the same call: it stays one row, the latest push
    (by arrival) gives its fields, and each node's push is kept in ``node_pushes``. Enum-like
    fields are plain text on purpose: AI Rudder adds values, and those must be kept as they came.
    """

    call_id = models.CharField("call id", max_length=128, unique=True)
    workflow = models.ForeignKey(
        "integrations.Workflow", on_delete=models.PROTECT, related_name="call_results"
    )
    task_id = models.CharField("task id", max_length=128, blank=True)
    robot_id = models.CharField("robot id", max_length=64, blank=True, db_index=True)
    callee_number = models.CharField(
        "dialled number",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The number dialled last (a contact can have several).",
    )
    callee_number_key = phone_key_field()
    caller_number = models.CharField(max_length=64, blank=True)

    # The contact as uploaded to AI Rudder.
    case_id = models.CharField("case id", max_length=128, blank=True, db_index=True)
    callee_name = models.CharField("customer name", max_length=255, blank=True)
    callee_gender = models.CharField("gender", max_length=32, blank=True)
    contact_number = models.CharField(
        "contact number",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The contact's number as uploaded.",
    )
    contact_number_key = phone_key_field()
    platform_name = models.CharField("platform", max_length=128, blank=True)
    extra_a = models.TextField(blank=True)
    extra_b = models.TextField(blank=True)
    extra_c = models.TextField(blank=True)
    extra = models.JSONField(default=list, blank=True)
    extend = models.JSONField(default=dict, blank=True)
    comments = models.TextField(blank=True)
    borrowed_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    borrowed_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    total_owing_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    currency_unit = models.CharField("currency", max_length=16, blank=True)
    contact = models.JSONField(
        "contact as uploaded",
        default=dict,
        blank=True,
        help_text="The push's whole callee object, fields AI Rudder did not document included.",
    )

    # The call.
    time_zone = models.CharField(
        max_length=64, help_text="The account's time zone the call's local times were read in."
    )
    started_at = models.DateTimeField("start time", null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField("end time", null=True, blank=True)
    answered = models.BooleanField(
        default=False, help_text="Picked up: AI Rudder gives an unanswered call's start as its end."
    )
    talk_seconds = models.PositiveIntegerField("talk duration (s)", default=0)
    call_times = models.IntegerField("dial attempts", null=True, blank=True)
    ring_time = models.IntegerField("ring time (s)", null=True, blank=True)
    ring_type = models.CharField(max_length=64, blank=True, db_index=True)
    hangup_type = models.CharField(max_length=64, blank=True, db_index=True)
    intention = models.CharField(max_length=128, blank=True, db_index=True)
    intention_description = models.TextField(blank=True)
    multi_label = models.JSONField("event labels", default=dict, blank=True)
    ner_slots = models.JSONField("slots", default=dict, blank=True)
    talk_round = models.IntegerField("talk rounds", null=True, blank=True)
    asr_ptp = models.TextField(blank=True)

    last_pushed_at = models.DateTimeField(
        help_text="When the push that gave these fields arrived; an older push does not override."
    )
    event = webhook_event_field(related_name="call_results")
    endpoint = account_field(related_name="call_results")
    updated_at = models.DateTimeField(auto_now=True)

    # The phone keys a customer's number is matched on (``records.phones``).
    PHONE_KEY_FIELDS = ("callee_number_key", "contact_number_key")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = record_indexes(
            "call", "started_at", "last_pushed_at", ("talk_seconds", "call_longest")
        )

    def __str__(self) -> str:
        return self.call_id

    def local_time(self, value: datetime | None) -> datetime | None:
        """``value`` in the account's time zone, the one AI Rudder's own screens show."""
        if value is None:
            return None
        try:
            return value.astimezone(zoneinfo.ZoneInfo(self.time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return value


class CallPart(models.Model):
    """A row of a call's list (turns, answers, redials), kept in the payload's order."""

    position = models.PositiveIntegerField()

    class Meta:
        abstract = True
        ordering = ["call", "position"]


class TranscriptTurn(CallPart):
    """One ASR turn: what the robot said and what the customer answered, at an offset."""

    call = models.ForeignKey(CallResult, on_delete=models.CASCADE, related_name="transcript")
    offset = models.CharField(max_length=16, blank=True, help_text="HH:MM:SS as AI Rudder sent it.")
    offset_seconds = models.PositiveIntegerField(null=True, blank=True)
    robot_text = models.TextField(blank=True)
    customer_text = models.TextField(blank=True)

    def __str__(self) -> str:
        # Never what was said (names, amounts): this is shown in delete confirmations and logs.
        return f"turn {self.position} at {self.offset or '?'}"

    @property
    def is_silent(self) -> bool:
        """Nobody said anything the ASR caught: dimmed in the transcript view."""
        return not self.robot_text.strip() and not self.customer_text.strip()

    @property
    def customer_silent(self) -> bool:
        return not self.customer_text.strip()


class CallAnswer(CallPart):
    """The answer to one scripted question (``question_answer``)."""

    call = models.ForeignKey(CallResult, on_delete=models.CASCADE, related_name="answers")
    question_name = models.CharField(max_length=255, blank=True)
    question_content = models.TextField(blank=True)
    question_type = models.CharField(max_length=64, blank=True)
    answer = models.TextField(blank=True)
    answer_text = models.TextField(blank=True)
    answer_text_slot = models.TextField(blank=True)
    var = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=64, blank=True)
    verification_results = models.CharField(max_length=255, blank=True)
    whether_answer = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        # Never the answer (an id number, a date of birth): shown in delete confirmations.
        return f"answer to {self.question_name or self.position}"


class Redial(CallPart):
    """An earlier dial attempt of the same round (``redial_call``)."""

    call = models.ForeignKey(CallResult, on_delete=models.CASCADE, related_name="redials")
    redial_call_id = models.CharField("call id", max_length=128, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ring_type = models.CharField(max_length=64, blank=True)
    ring_time = models.IntegerField(null=True, blank=True)
    hangup_type = models.CharField(max_length=64, blank=True)
    result_label = models.CharField(max_length=128, blank=True)
    callee_number = models.CharField(max_length=64, blank=True)
    caller_number = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.redial_call_id


class NodePush(models.Model):
    """One API node's push of a call, with the node's own custom data."""

    call = models.ForeignKey(CallResult, on_delete=models.CASCADE, related_name="node_pushes")
    node_id = models.CharField("node id", max_length=128)
    node_name = models.CharField(max_length=255, blank=True)
    custom_attribute = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    event = webhook_event_field(related_name="node_pushes")

    class Meta:
        ordering = ["call", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "node_id"], name="node_push_once_per_node")
        ]

    def __str__(self) -> str:
        return self.node_name or self.node_id
