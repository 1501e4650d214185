"""``RecordAdmin``: the admin of a kind of record AI Rudder pushes, read-only, built of the
small pieces beside it (filters, search, times, CSV, masking, audit)."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters

from privacy.admin import AuditedChangeViewMixin, ContactDetailsAdminMixin
from privacy.masking import can_view_contact_details
from records.pagination import EstimatedCountPaginator
from records.scope import visible

from .dates import LightDateHierarchyMixin
from .export import CsvExportAdminMixin
from .labels import IntentionLabelAdminMixin
from .list_filters import workflow_list_filter
from .lookups import ContactLookupsAdminMixin
from .refused import refused_parameters
from .search import PhoneSearchAdminMixin
from .times import TimesAdminMixin


class RecordAdmin(
    IntentionLabelAdminMixin,
    LightDateHierarchyMixin,
    AuditedChangeViewMixin,
    TimesAdminMixin,
    ContactDetailsAdminMixin,
    ContactLookupsAdminMixin,
    CsvExportAdminMixin,
    PhoneSearchAdminMixin,
    admin.ModelAdmin,
):
    """The admin of a kind of record AI Rudder pushes (calls, chat sessions).

    Records come only from AI Rudder, so nobody adds or edits them here, superusers included;
    deleting stays a matter of permissions. The list exports as CSV and its pages share the
    records' stylesheet (a subclass's ``Media`` adds its own).
    """

    list_select_related = ["workflow"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["export_csv"]
    change_list_template = "admin/integrations/change_list_export.html"

    class Media:
        css = {"all": ["integrations/records.css", "integrations/search.css"]}

    def get_list_filter(self, request):
        """The workflow sidebar speaks the FilterSet's ``workflow_id`` (by name), so that a
        dashboard link shows its workflow selected."""
        filters = list(super().get_list_filter(request))
        filterset = next(
            (f.filterset_class for f in filters if hasattr(f, "filterset_class")), None
        )
        if filterset is None or "workflow_id" not in filterset.base_filters:
            return filters
        return [
            workflow_list_filter(filterset)
            if isinstance(f, tuple | list) and f and f[0] == "workflow"
            else f
            for f in filters
        ]

    def get_queryset(self, request):
        queryset = visible(super().get_queryset(request), request.user)
        return queryset.none() if getattr(request, "_refused_filters", None) else queryset

    def get_changelist(self, request, **kwargs):
        """``?o=`` on a column outside ``sortable_by`` is ignored, as its header has no link:
        a hand-made URL does not sort a million records on a column no index leads."""
        changelist = super().get_changelist(request, **kwargs)
        sortable = self.get_sortable_by(request)

        class SortableOnlyChangeList(changelist):
            def get_ordering_field(self, field_name):
                if field_name not in sortable:
                    return None
                return super().get_ordering_field(field_name)

            def get_ordering(self, request, queryset):
                """The id tie-break runs the way the sort does, so that one index scan, forward
                or backward, serves both (ascending by duration read every 0-second call)."""
                ordering = list(super().get_ordering(request, queryset))
                first = ordering[0] if ordering else None
                ascending = isinstance(first, str) and not first.startswith("-")
                if ascending and ordering[-1] == "-pk":
                    ordering[-1] = "pk"
                return ordering

        return SortableOnlyChangeList

    def get_changelist_instance(self, request):
        """Built once per request: ``changelist_view`` below builds it to check the filters,
        and Django's view would otherwise count and read the list a second time."""
        changelist = getattr(request, "_changelist_instance", None)
        if changelist is None:
            changelist = super().get_changelist_instance(request)
            request._changelist_instance = changelist
        return changelist

    def changelist_view(self, request, extra_context=None):
        """A filter value the list cannot apply (``?answered__exact=maybe``) shows no records
        and says which parameter and why, where Django would show every record (``?e=1``). A
        lookup the user may not filter by (``records.admin.lookups``) is a 400 that names it."""
        refused = self.refused_lookups(request)
        if refused:
            return self.refused_lookups_response(request, refused)
        if request.method == "GET" and not getattr(request, "_refused_filters", None):
            try:
                self.get_changelist_instance(request)
            except IncorrectLookupParameters:
                refused = refused_parameters(self, request) or {"filters": "not valid together."}
                kept = request.GET.copy()
                for name in refused:
                    kept.pop(name, None)
                request.GET = kept
                request._refused_filters = refused
                for name, reason in refused.items():
                    messages.error(
                        request,
                        f"The filter “{name}” was not applied: {reason} No records are shown; "
                        "correct the value or remove it.",
                    )
        # The list needs the width of a laptop screen beside its filters, as the dashboard
        # does: no app sidebar (the header and breadcrumbs still lead everywhere).
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def record_title(self, obj, *, reveal: bool) -> str:
        """A record page's title: who, what came out, when (a subclass says it in its words)."""
        return str(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A record's page: titled by its customer, outcome and time, the width of the screen,
        and no Delete (records come from AI Rudder; erasure removes a customer's data)."""
        if obj is not None:
            context.update(
                title=self.record_title(obj, reveal=can_view_contact_details(request.user)),
                subtitle=None,
                show_delete=False,
                is_nav_sidebar_enabled=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
