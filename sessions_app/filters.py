"""Which chat sessions: the one definition shared by the REST API, the dashboard, CSV export and
the admin list, so the same query string means the same sessions everywhere.

Parameters (see ``records.filtering`` for their conventions): ``date_from``/``date_to`` (days
of ``ended_at``), those of every record (``records.filtersets``: ``workflow_id``,
``intention``, ``robot_id``, ``callee``), and ``end_reason``, ``handed_over``, ``channel``.
"""

from records.admin.list_filters import filterset_list_filter
from records.filtering import BooleanFilter, ValuesFilter
from records.filtersets import RecordFilterSet, day_range

from .models import ChatSession


class ChatSessionFilter(RecordFilterSet):
    date_from, date_to = day_range("ended_at", "Ended")
    end_reason = ValuesFilter(field_name="end_reason", label="End reason")
    handed_over = BooleanFilter(field_name="handed_over", label="Handed to an agent")
    channel = ValuesFilter(field_name="channel")

    class Meta(RecordFilterSet.Meta):
        model = ChatSession


# For ``ChatSessionAdmin.list_filter``: makes the admin list accept the parameters above.
ChatSessionListFilter = filterset_list_filter(ChatSessionFilter)
