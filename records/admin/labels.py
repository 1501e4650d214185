"""A record's intention in its account's words beside AI Rudder's code (``E``: "Promise to
pay") on the record's page. The lists keep the code alone, in the column people sort and
filter by; their filter names each code's label (``records.admin.list_filters``)."""

from django.contrib import admin

from records.reading import labels_for, records_label
from staff.services import staff_account_ids


class IntentionLabelAdminMixin:
    """Set ``record_kind`` (``"calls"``, ``"sessions"``) and show ``"intention_label"``."""

    record_kind = ""

    @admin.display(description="meaning")
    def intention_label(self, record):
        return records_label(self.record_kind, [record])[0].intention_label or "-"


def intention_choices(kind: str):
    """``labels`` of an intention filter: each code with the labels of the user's accounts."""

    def labels(values, user) -> dict[str, str]:
        words = labels_for(kind, "intention", values, staff_account_ids(user))
        return {code: f"{label} ({code})" for code, label in words.items()}

    return labels
