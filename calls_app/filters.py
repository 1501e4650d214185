"""Which call results: the one definition shared by the REST API, the dashboard, CSV export and
the admin list, so the same query string means the same calls everywhere.

Parameters (see ``records.filtering`` for their conventions): ``date_from``/``date_to`` (days
of ``started_at``), those of every record (``records.filtersets``: ``workflow_id``,
``intention``, ``robot_id``, ``callee``, which matches the number dialled or the contact's number
as uploaded), and ``hangup_type``, ``ring_type``, ``answered``, ``case_id``.
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
