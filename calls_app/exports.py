"""The call results' CSV columns; customer numbers and names are masked for most users."""

from privacy.masking import mask_name, mask_phone
from records.exports import Column, attribute, fields
from records.reading import record_csv

CALL_RESULTS_CSV = record_csv(
    "calls",
    "calls",
    *fields("task_id", "robot_id"),
    Column("callee_number", attribute("callee_number"), mask=mask_phone),
    Column("contact_number", attribute("contact_number"), mask=mask_phone),
    Column("callee_name", attribute("callee_name"), mask=mask_name),
    *fields("case_id", "answered", "talk_seconds", "talk_round", "call_times", "ring_time"),
    *fields("ring_type", "hangup_type", "intention", "intention_description"),
)
