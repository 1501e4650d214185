"""List filters that speak the FilterSets' parameters, so dashboard and API links open the same
records in the admin (``?date_from=…&workflow_id=…&intention=E``)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import QueryDict
from django.utils.text import capfirst

from records.distinct import distinct_values
from records.filtering import BLANK
from records.models import Workflow


def filterset_list_filter(filterset_class, title: str = "filter parameters"):
    """A ``list_filter`` entry that applies ``filterset_class`` to the admin list.

    It claims the FilterSet's parameters from the query string before the admin reads the rest
    as field lookups, filters with the FilterSet itself, and lists the active ones in the
    sidebar, each with a link that removes it. A value the FilterSet rejects sends the admin
    to its usual "invalid filter" page rather than silently showing other records.
    """

    class FilterSetListFilter(admin.ListFilter):
        template = "admin/filter.html"

        def __init__(self, request, params, model, model_admin):
            super().__init__(request, params, model, model_admin)
            self.data = QueryDict(mutable=True)
            for name in self.expected_parameters():
                if name in params:
                    values = params.pop(name)
                    values = values if isinstance(values, list) else [values]
                    self.data.setlist(name, values)
                    self.used_parameters[name] = values
            self.filterset = filterset_class(data=self.data, queryset=model._default_manager.all())
            if self.used_parameters and not self.filterset.is_valid():
                raise IncorrectLookupParameters(
                    " ".join(m for ms in self.filterset.errors.values() for m in ms)
                )

        def expected_parameters(self):
            return list(filterset_class.base_filters)

        def has_output(self):
            return bool(self.used_parameters)

        def queryset(self, request, queryset):
            return filterset_class(data=self.data, queryset=queryset).qs

        def choices(self, changelist):
            yield {
                "selected": False,
                "query_string": changelist.get_query_string(
                    new_params=dict.fromkeys(self.used_parameters)
                ),
                "display": "Remove all",
            }
            for name, values in self.used_parameters.items():
                label = capfirst(filterset_class.base_filters[name].label or name)
                if name == "workflow_id":  # by the name people know, as the sidebar shows it
                    label, values = "Workflow", [_workflow_names().get(v, v) for v in values]
                yield {
                    "selected": True,
                    "query_string": changelist.get_query_string(new_params={name: None}),
                    "display": f"{label}: {', '.join(values)} ✕",
                }

    FilterSetListFilter.title = title
    FilterSetListFilter.filterset_class = filterset_class
    FilterSetListFilter.__name__ = FilterSetListFilter.__qualname__ = (
        f"{filterset_class.__name__}ListFilter"
    )
    return FilterSetListFilter


def _workflow_names(values=None, user=None) -> dict[str, str]:
    return {
        w.workflow_id: w.name or w.workflow_id for w in Workflow.objects.only("workflow_id", "name")
    }


def parameter_list_filter(filterset_class, name: str, title: str | None = None, labels=None):
    """Sidebar choices for one FilterSet parameter: every value of its field, then links.

    It only shows: ``filterset_list_filter`` (which must be in the same ``list_filter``) claims
    and applies the parameter. The choices use the FilterSet's conventions, so "(none)" is
    ``__blank__`` and a repeated parameter shows each of its values selected. ``labels(values,
    user)``, if given, returns how values are shown (an intention code with its label).
    """
    field_name = filterset_class.base_filters[name].field_name

    class ParameterListFilter(admin.ListFilter):
        def __init__(self, request, params, model, model_admin):
            super().__init__(request, params, model, model_admin)
            self.selected = request.GET.getlist(name)
            self.values = distinct_values(model, field_name)
            self.user = request.user

        def expected_parameters(self):
            return []

        def has_output(self):
            return bool(self.values)

        def queryset(self, request, queryset):
            return queryset

        def choices(self, changelist):
            yield {
                "selected": not self.selected,
                "query_string": changelist.get_query_string(new_params={name: None}),
                "display": "All",
            }
            shown = labels(self.values, self.user) if labels else {}
            for value in self.values:
                token = BLANK if value in ("", None) else str(value)
                yield {
                    "selected": token in self.selected,
                    "query_string": changelist.get_query_string(new_params={name: token}),
                    "display": "(none)" if token == BLANK else shown.get(token, token),
                }

    field = filterset_class._meta.model._meta.get_field(field_name.split("__")[0])
    ParameterListFilter.parameter_name = name
    ParameterListFilter.title = title or field.verbose_name
    ParameterListFilter.__name__ = ParameterListFilter.__qualname__ = f"{name}_ListFilter"
    return ParameterListFilter


def workflow_list_filter(filterset_class):
    """The workflow sidebar by name, speaking the FilterSet's ``workflow_id``: the dashboard's
    links (``?workflow_id=…``) then show their workflow selected, not "All"."""
    return parameter_list_filter(filterset_class, "workflow_id", "workflow", _workflow_names)
