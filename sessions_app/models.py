from django.db import models

from records.choices import worded_choices
from records.fields import (
    account_field,
    optional_link,
    phone_key_field,
    record_indexes,
    webhook_event_field,
)


class ChatSession(models.Model):
    """One WhatsApp conversation a workflow started, as AI Rudder reported it when it ended.

    ``duration_seconds``, ``message_count`` and ``handed_over`` are derived when the notification
    is recorded, so that lists can sort and filter on them without touching the messages.
    """

    EndReason = worded_choices("EndReason", "robot agent error expire user", expire="Expired")

    call_id = models.CharField("call id", max_length=128, unique=True)
    workflow = models.ForeignKey(
        "integrations.Workflow", on_delete=models.PROTECT, related_name="chat_sessions"
    )
    nodetask_id = models.CharField("node task id", max_length=128, blank=True)
    nodetask_name = models.CharField("node task", max_length=255, blank=True)
    waba_task_id = models.CharField("WABA task id", max_length=128, blank=True)
    wfdetail_uuid = models.CharField("workflow detail uuid", max_length=128, blank=True)
    channel = models.CharField(max_length=64, blank=True, db_index=True)
    channel_id = models.CharField("channel id", max_length=128, blank=True)
    callee = models.CharField(max_length=64, blank=True, db_index=True)
    callee_key = phone_key_field(
        help_text="The callee as a phone key (``integrations.phones``), to find a customer's "
        "calls and chats however the number is written."
    )
    robot_id = models.CharField("robot id", max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Not ``choices``: values AI Rudder adds later must be kept, and shown, as they came.
    end_reason = models.CharField(max_length=32, blank=True, db_index=True)
    intention = models.CharField(max_length=128, blank=True, db_index=True)
    talk_round = models.IntegerField("talk rounds", null=True, blank=True)
    ner_slots = models.JSONField("slots", default=dict, blank=True)
    event_label = models.JSONField("event labels", default=dict, blank=True)
    variables = models.JSONField(default=dict, blank=True)
    notified_at = models.DateTimeField(
        help_text="The notification's own timestamp: a newer one replaces this session."
    )
    duration_seconds = models.PositiveIntegerField("duration (s)", null=True, blank=True)
    message_count = models.PositiveIntegerField("messages", default=0)
    handed_over = models.BooleanField(
        "handed to an agent",
        default=False,
        help_text="An agent took the conversation over, wrote in it, or ended it.",
    )
    endpoint = account_field(related_name="chat_sessions")
    event = webhook_event_field(
        related_name="chat_sessions", help_text="The delivery this session was last recorded from."
    )
    updated_at = models.DateTimeField(auto_now=True)

    # The phone keys a customer's number is matched on (``records.phones``).
    PHONE_KEY_FIELDS = ("callee_key",)

    class Meta:
        ordering = ["-ended_at", "-id"]
        indexes = record_indexes(
            "chat_session", "ended_at", "notified_at", ("duration_seconds", "session_longest")
        )

    def __str__(self) -> str:
        return self.call_id

    def get_end_reason_display(self) -> str:
        return dict(self.EndReason.choices).get(self.end_reason, self.end_reason)


class ChatMessage(models.Model):
    """One message of a session, kept in payload order (AI Rudder's timestamps are not sorted)."""

    SenderType = worded_choices("SenderType", "system user robot agent chatbot", user="Customer")

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    position = models.PositiveIntegerField()
    msg_id = models.CharField("message id", max_length=128, blank=True)
    sender_type = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=32, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    content = models.JSONField(default=dict, blank=True)
    text = models.TextField(
        blank=True, help_text="Plain-text rendering of the content, for search and export."
    )
    reply = models.JSONField(
        null=True, blank=True, help_text="The quoted message, as AI Rudder sent it."
    )
    reply_to = optional_link(
        "self", "replies", help_text="The quoted message in this session, when its id matches one."
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="chat_message_position")
        ]

    def __str__(self) -> str:
        # Shown wherever a message is named (delete confirmations, the admin's log): never its
        # text, which may hold what a customer wrote or shared.
        return f"message {self.position} ({self.sender_type or 'unknown sender'})"

    @property
    def side(self) -> str:
        """Where a chat view puts it: the customer left, the bot and agents right, system centre."""
        if self.sender_type == self.SenderType.USER:
            return "customer"
        if self.sender_type == self.SenderType.SYSTEM or self.content_type == "system":
            return "system"
        return "business"
