"""Which call results: one definition for the API, the dashboard, CSV and the admin list.

Parameters and their conventions: ``docs/design-notes.md`` (filters).
"""

from records.admin.list_filters import filterset_list_filter
from records.filtering import BooleanFilter, ValuesFilter
from records.filtersets import RecordFilterSet, day_range

from .models import CallResult


class CallResultFilter(RecordFilterSet):
    date_from, date_to = day_range("started_at", "Started")
    hangup_type = ValuesFilter(field_name="hangup_type", label="Hangup type")
    ring_type = ValuesFilter(field_name="ring_type", label="Ring type")
    answered = BooleanFilter(field_name="answered")
    case_id = ValuesFilter(field_name="case_id", label="Case id")

    class Meta(RecordFilterSet.Meta):
        model = CallResult


# For ``CallResultAdmin.list_filter``: makes the admin list accept the parameters above.
CallResultListFilter = filterset_list_filter(CallResultFilter)
