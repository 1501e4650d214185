"""Which call results: the one definition shared by the REST API, the dashboard, CSV export and
the admin list, so the same query string means the same calls everywhere.

Parameters (see ``integrations.filtering`` for their conventions): ``date_from``/``date_to`` (days
of ``started_at``), ``workflow_id`` (AI Rudder's id), ``intention``, ``hangup_type``,
``ring_type``, ``answered``, ``robot_id``, ``callee`` (the full number, dialled or as uploaded;
masked users can use it too), ``case_id``.
"""

import django_filters
from django.db.models import Q

from integrations.admin_mixins import filterset_list_filter
from integrations.filtering import BooleanFilter, DayFilter, ValuesFilter, phone_candidates

from .models import CallResult


class CallResultFilter(django_filters.FilterSet):
    date_from = DayFilter(field_name="started_at", bound="from", label="Started on or after")
    date_to = DayFilter(field_name="started_at", bound="to", label="Started on or before")
    workflow_id = ValuesFilter(field_name="workflow__workflow_id", label="Workflow id")
    intention = ValuesFilter(field_name="intention")
    hangup_type = ValuesFilter(field_name="hangup_type", label="Hangup type")
    ring_type = ValuesFilter(field_name="ring_type", label="Ring type")
    answered = BooleanFilter(field_name="answered")
    robot_id = ValuesFilter(field_name="robot_id", label="Robot id")
    callee = django_filters.CharFilter(method="filter_callee", label="Customer's number")
    case_id = ValuesFilter(field_name="case_id", label="Case id")

    class Meta:
        model = CallResult
        fields = []

    def filter_callee(self, queryset, name, value):
        """The number dialled or the contact's number as uploaded: either one is the customer's."""
        numbers = phone_candidates(value)
        if not numbers:
            return queryset
        return queryset.filter(Q(callee_number__in=numbers) | Q(contact_number__in=numbers))


# For ``CallResultAdmin.list_filter``: makes the admin list accept the parameters above.
CallResultListFilter = filterset_list_filter(CallResultFilter)
