"""The chat sessions' CSV columns; the customer's number is masked for most users."""

from privacy.masking import mask_phone
from records.exports import RECORD_COLUMNS, Column, CsvExport, attribute, fields
from records.reading import records_label

CHAT_SESSIONS_CSV = CsvExport(
    name="chat-sessions",
    select_related=("workflow",),
    prepare=lambda rows: records_label("sessions", rows),
    columns=(
        *RECORD_COLUMNS,
        *fields("channel", "channel_id"),
        Column("callee", attribute("callee"), mask=mask_phone),
        *fields("robot_id", "end_reason", "intention", "talk_round", "message_count"),
        *fields("duration_seconds", "handed_over"),
        *fields("intention_label"),  # the account's word for the code, last: columns keep places
    ),
)
