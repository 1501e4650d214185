"""The chat sessions' CSV columns; the customer's number is masked for most users."""

from integrations.exports import RECORD_COLUMNS, Column, CsvExport, attribute
from integrations.privacy import mask_phone

CHAT_SESSIONS_CSV = CsvExport(
    name="chat-sessions",
    select_related=("workflow",),
    columns=(
        *RECORD_COLUMNS,
        Column("channel", attribute("channel")),
        Column("channel_id", attribute("channel_id")),
        Column("callee", attribute("callee"), mask=mask_phone),
        Column("robot_id", attribute("robot_id")),
        Column("end_reason", attribute("end_reason")),
        Column("intention", attribute("intention")),
        Column("talk_round", attribute("talk_round")),
        Column("message_count", attribute("message_count")),
        Column("duration_seconds", attribute("duration_seconds")),
        Column("handed_over", attribute("handed_over")),
    ),
)
