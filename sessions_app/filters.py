"""Which chat sessions: the one definition shared by the REST API, the dashboard, CSV export and
the admin list, so the same query string means the same sessions everywhere.

Parameters (see ``integrations.filtering`` for their conventions): ``date_from``/``date_to`` (days
of ``ended_at``), ``workflow_id`` (AI Rudder's id), ``intention``, ``end_reason``, ``handed_over``,
``channel``, ``robot_id``, ``callee`` (the full number; masked users can use it too).
"""

import django_filters

from integrations.admin_mixins import filterset_list_filter
from integrations.filtering import BooleanFilter, DayFilter, ValuesFilter, phone_candidates

from .models import ChatSession


class ChatSessionFilter(django_filters.FilterSet):
    date_from = DayFilter(field_name="ended_at", bound="from", label="Ended on or after")
    date_to = DayFilter(field_name="ended_at", bound="to", label="Ended on or before")
    workflow_id = ValuesFilter(field_name="workflow__workflow_id", label="Workflow id")
    intention = ValuesFilter(field_name="intention")
    end_reason = ValuesFilter(field_name="end_reason", label="End reason")
    handed_over = BooleanFilter(field_name="handed_over", label="Handed to an agent")
    channel = ValuesFilter(field_name="channel")
    robot_id = ValuesFilter(field_name="robot_id", label="Robot id")
    callee = django_filters.CharFilter(method="filter_callee", label="Customer's number")

    class Meta:
        model = ChatSession
        fields = []

    def filter_callee(self, queryset, name, value):
        numbers = phone_candidates(value)
        return queryset.filter(callee__in=numbers) if numbers else queryset


# For ``ChatSessionAdmin.list_filter``: makes the admin list accept the parameters above.
ChatSessionListFilter = filterset_list_filter(ChatSessionFilter)
