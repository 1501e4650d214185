"""The chat sessions' CSV columns; the customer's number is masked for most users."""

from privacy.masking import mask_phone
from records.exports import Column, attribute, fields
from records.reading import record_csv

CHAT_SESSIONS_CSV = record_csv(
    "sessions",
    "chat-sessions",
    *fields("channel", "channel_id"),
    Column("callee", attribute("callee"), mask=mask_phone),
    *fields("robot_id", "end_reason", "intention", "talk_round", "message_count"),
    *fields("duration_seconds", "handed_over"),
)
