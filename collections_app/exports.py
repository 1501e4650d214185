"""The CSV columns of promises; the customer's number is masked for most users."""

from privacy.masking import mask_phone
from records.exports import Column, CsvExport, attribute, fields
from records.money import money_text

PROMISES_CSV = CsvExport(
    name="promises",
    select_related=("workflow", "endpoint"),
    columns=(
        *fields("id", "source", "call_id", "case_id"),
        Column("customer_number", attribute("customer_number"), mask=mask_phone),
        Column("workflow_id", attribute("workflow.workflow_id")),
        Column("account", attribute("endpoint.name")),
        *fields("made_at", "promised_date", "amount", "currency", "amount_is_owing", "status"),
        Column("amount_text", lambda p: money_text(p.amount, p.currency)),
    ),
)

NUMBERS_CSV = CsvExport(
    name="number-health",
    select_related=("endpoint",),
    columns=(
        Column("customer_number", attribute("customer_number"), mask=mask_phone),
        Column("account", attribute("endpoint.name")),
        *fields("attempts", "answered", "right_party_contacts", "days_called"),
        *fields("first_called_at", "last_called_at", "last_outcome", "last_intention"),
        *fields("last_answered_outcome", "health", "ring_types", "hangup_types"),
    ),
)
