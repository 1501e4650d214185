"""The call results' CSV columns; customer numbers and names are masked for most users."""

from integrations.exports import RECORD_COLUMNS, Column, CsvExport, attribute
from integrations.privacy import mask_name, mask_phone

CALL_RESULTS_CSV = CsvExport(
    name="calls",
    select_related=("workflow",),
    columns=(
        *RECORD_COLUMNS,
        Column("task_id", attribute("task_id")),
        Column("robot_id", attribute("robot_id")),
        Column("callee_number", attribute("callee_number"), mask=mask_phone),
        Column("contact_number", attribute("contact_number"), mask=mask_phone),
        Column("callee_name", attribute("callee_name"), mask=mask_name),
        Column("case_id", attribute("case_id")),
        Column("answered", attribute("answered")),
        Column("talk_seconds", attribute("talk_seconds")),
        Column("talk_round", attribute("talk_round")),
        Column("call_times", attribute("call_times")),
        Column("ring_time", attribute("ring_time")),
        Column("ring_type", attribute("ring_type")),
        Column("hangup_type", attribute("hangup_type")),
        Column("intention", attribute("intention")),
        Column("intention_description", attribute("intention_description")),
    ),
)
