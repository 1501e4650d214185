"""Which promises and numbers: one definition for the API, the admin list and CSV."""

import django_filters

from records.filtering import ValuesFilter

from .models import NumberHealth, Promise
from .numbers import health_q
from .promises import status_q


class PromiseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Promise.Status.choices, method="filter_status")
    promised_from = django_filters.DateFilter(field_name="promised_date", lookup_expr="gte")
    promised_to = django_filters.DateFilter(field_name="promised_date", lookup_expr="lte")
    workflow_id = ValuesFilter(field_name="workflow__workflow_id", label="Workflow id")
    case_id = ValuesFilter(field_name="case_id", label="Case id")

    class Meta:
        model = Promise
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status_q(value)) if value else queryset


class NumberHealthFilter(django_filters.FilterSet):
    health = django_filters.ChoiceFilter(
        choices=NumberHealth.Health.choices, method="filter_health"
    )

    class Meta:
        model = NumberHealth
        fields = []

    def filter_health(self, queryset, name, value):
        return queryset.filter(health_q(value)) if value else queryset
