"""Pieces the record admins adopt in a few lines: the shared filters, masking and CSV export.

- ``filterset_list_filter(FilterSet)``: a list filter that makes an admin list accept the
  FilterSet's query parameters (``?date_from=…&workflow_id=…&intention=E``), so that links from
  the dashboard and the API open exactly the same records;
- ``parameter_list_filter(FilterSet, name)``: a sidebar of a field's values whose links speak
  the FilterSet's parameter (in place of ``"intention"`` in ``list_filter``, whose Django filter
  would claim the same parameter name with other rules);
- ``ContactDetailsAdminMixin``: masks customer numbers and names in the list and on the change
  page for users without ``integrations.view_contact_details``;
- ``CsvExportAdminMixin``: an "Export as CSV" action for the selected rows and an export URL for
  the whole filtered list, both streamed and masked like the list;
- ``PhoneSearchAdminMixin``: the search box finds numbers however they are written;
- ``LightDateHierarchyMixin``: a date hierarchy that does not scan the table to draw itself;
- ``RecordAdmin``: all of the above for records AI Rudder pushes, read-only.
"""

import calendar
import copy
import datetime as dt
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseBadRequest, QueryDict
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst

from .audit import Action, audit_record, audit_record_view
from .display import times_text
from .distinct import distinct_values
from .exports import CsvExport
from .filtering import BLANK
from .pagination import EstimatedCountPaginator
from .phones import is_phone_term, phone_match
from .privacy import can_view_contact_details, mask_name, mask_phone
from .search import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS,
    bound_search_term,
    request_search_term,
    search_words,
    text_filter,
    text_hits,
)

EXPORT_PERMISSION = "integrations.export_csv"


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
                raise IncorrectLookupParameters(self.filterset.errors.as_text())

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


def _workflow_names() -> dict[str, str]:
    from .models import Workflow

    return {
        w.workflow_id: w.name or w.workflow_id for w in Workflow.objects.only("workflow_id", "name")
    }


def parameter_list_filter(filterset_class, name: str, title: str | None = None, labels=None):
    """Sidebar choices for one FilterSet parameter: every value of its field, then links.

    It only shows: ``filterset_list_filter`` (which must be in the same ``list_filter``) claims
    and applies the parameter. The choices use the FilterSet's conventions, so "(none)" is
    ``__blank__`` and a repeated parameter shows each of its values selected. ``labels()``, if
    given, returns how each value is shown (a workflow's name for its id).
    """
    field_name = filterset_class.base_filters[name].field_name

    class ParameterListFilter(admin.ListFilter):
        def __init__(self, request, params, model, model_admin):
            super().__init__(request, params, model, model_admin)
            self.selected = request.GET.getlist(name)
            self.values = distinct_values(model, field_name)

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
            shown = labels() if labels else {}
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


# The admin's own query parameters, never a filter (search, ordering, page, popups, …).
_ADMIN_PARAMETERS = {"q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters"}


def _refused_parameters(model_admin, request) -> dict[str, str]:
    """Each query parameter the list refuses on its own, with the reason."""
    refused = {}
    for name in request.GET:
        if name in _ADMIN_PARAMETERS:
            continue
        alone = copy.copy(request)
        alone.GET = QueryDict(mutable=True)
        alone.GET.setlist(name, request.GET.getlist(name))
        try:
            model_admin.get_changelist_instance(alone)
        except IncorrectLookupParameters as exc:
            refused[name] = " ".join(str(exc).split()) or "not a filter of this list"
    return refused


def _masked_display(model, name: str, mask):
    field = model._meta.get_field(name)

    def display(obj):
        return mask(getattr(obj, name))

    display.short_description = field.verbose_name
    display.admin_order_field = name
    return display


class ContactDetailsAdminMixin:
    """Shows ``contact_phone_fields`` and ``contact_name_fields`` masked to users without
    ``integrations.view_contact_details``, in ``list_display`` and in the change page's fields.
    """

    contact_phone_fields: tuple[str, ...] = ()
    contact_name_fields: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._masked_names = {}
        for fields, mask in (
            (self.contact_phone_fields, mask_phone),
            (self.contact_name_fields, mask_name),
        ):
            for name in fields:
                masked = f"masked_{name}"
                setattr(self, masked, _masked_display(model, name, mask))
                self._masked_names[name] = masked

    def _swap(self, request, names):
        if can_view_contact_details(request.user):
            return names
        return [
            self._masked_names.get(name, name) if isinstance(name, str) else name for name in names
        ]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return links if links is None else self._swap(request, links)

    def get_readonly_fields(self, request, obj=None):
        return self._swap(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_contact_details(request.user):
            return fieldsets
        swapped = []
        for title, options in fieldsets:
            fields = [
                tuple(self._swap(request, f))
                if isinstance(f, list | tuple)
                else self._swap(request, [f])[0]
                for f in options.get("fields", ())
            ]
            swapped.append((title, {**options, "fields": fields}))
        return swapped


class AuditedChangeViewMixin:
    """A record's page that was shown (not a redirect, a 404 or a refusal) is written to the
    audit log: its transcript, messages or raw body were read, unmasked or not."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and obj is not None:
            audit_record_view(
                request=request, obj=obj, revealed=can_view_contact_details(request.user)
            )
        return response


class CsvExportAdminMixin:
    """CSV export of an admin list, for users with ``integrations.export_csv``.

    Set ``csv_export`` to the model's ``CsvExport`` and add ``"export_csv"`` to ``actions``.
    The action exports the selected rows (or all of them with "select all"); the URL
    ``<changelist>/export-csv/?<the list's query string>`` exports the filtered list as shown,
    with its list filters, FilterSet parameters and search.
    """

    csv_export: CsvExport | None = None

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION) and self.has_view_permission(request)

    def _csv_response(self, request, queryset):
        reveal = can_view_contact_details(request.user)
        audit_record(
            user=request.user,
            action=Action.EXPORT_CSV,
            label=self.csv_export.name,
            request=request,
            details={"unmasked": reveal},
        )
        return self.csv_export.response(queryset, reveal=reveal)

    @admin.action(
        description="Export selected %(verbose_name_plural)s as CSV", permissions=["export"]
    )
    def export_csv(self, request, queryset):
        return self._csv_response(request, queryset)

    def export_csv_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            return HttpResponseBadRequest(f"Invalid filters: {exc}")
        return self._csv_response(request, changelist.queryset)

    def get_urls(self):
        opts = self.model._meta
        export = path(
            "export-csv/",
            self.admin_site.admin_view(self.export_csv_view),
            name=f"{opts.app_label}_{opts.model_name}_export_csv",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "has_export_permission": self.has_export_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)


class PhoneSearchAdminMixin:
    """The search box: bounded, finds numbers however written, and words in the records' text.

    - The term is cut to ``integrations.search.MAX_SEARCH_CHARS`` characters and
      ``MAX_SEARCH_WORDS`` words (a message says so), so no paste makes the query fail.
    - ``+62 812-3456``, ``0812-3456`` (read in ``AIRUDDER_DEFAULT_PHONE_REGION``) and
      ``628123456`` find the model's ``PHONE_KEY_FIELDS`` and any number containing them, so
      staff can paste a number as they got it; masked staff can search by the number they were
      told.
    - ``text_search = (accessor, fields)`` (e.g. ``("messages", ("text",))``) also finds the
      records one of whose related rows contains every word (``integrations.search``); the
      list's links then open the record at the first match (``?q=…#search-hit``).
    """

    text_search: tuple[str, tuple[str, ...]] | None = None
    workflow_search = False  # also find the records of the workflows whose name has the term

    def get_search_results(self, request, queryset, search_term):
        term, shortened = bound_search_term(search_term)
        if shortened and not getattr(request, "_search_shortened", False):
            request._search_shortened = True
            messages.warning(
                request,
                f"The search was shortened to its first {MAX_SEARCH_WORDS} words and "
                f"{MAX_SEARCH_CHARS} characters: “{term}”.",
            )
        if not term:
            return queryset, False
        records = self.model._default_manager.all()
        # No duplicates either way: the list is filtered by a set of keys.
        matches, _ = super().get_search_results(request, records, term)
        branches = [matches]
        if self.workflow_search:
            workflows = _workflows_named(term)
            if workflows:
                branches.append(records.filter(workflow_id__in=workflows))
        if is_phone_term(term):  # a number is found by its key, not in what was said
            branches.append(
                records.filter(phone_match(term, self.model.PHONE_KEY_FIELDS, partial=True))
            )
        elif self.text_search:
            accessor, fields = self.text_search
            relation = self.model._meta.get_field(accessor)
            texts = text_filter(relation.related_model._default_manager.all(), fields, term)
            if texts is not None:
                branches.append(records.filter(pk__in=texts.values(relation.field.attname)))
        return queryset.filter(pk__in=_union_of_keys(branches)), False

    def search_hits_context(self, request, rows, fields: tuple[str, ...]) -> dict:
        """For a record's page opened from a search: the positions of its ``rows`` (messages,
        turns) that contain every word, to mark them (``search_hits``) and open the page at the
        first (``first_search_hit``, the ``#search-hit`` anchor)."""
        term = request_search_term(request)
        if not search_words(term):
            return {}
        texts = [(row.position, " ".join(getattr(row, f) or "" for f in fields)) for row in rows]
        hits = text_hits(texts, term)
        return {
            "search_term": term,
            "search_hits": hits,
            "first_search_hit": hits[0] if hits else None,
        }

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if not self.text_search:
            return changelist

        class SearchLinkChangeList(changelist):
            def url_for_result(self, result):
                url = super().url_for_result(result)
                term = bound_search_term(self.query)[0]
                if is_phone_term(term) or not search_words(term):
                    return url
                joiner = "&" if "?" in url else "?"
                return f"{url}{joiner}{urlencode({'q': term})}#search-hit"

        return SearchLinkChangeList


def _time_display(model, name: str):
    field = model._meta.get_field(name)

    def display(obj):
        value = getattr(obj, name)
        return times_text(value, getattr(obj, "time_zone", None)) if value else "-"

    display.short_description = field.verbose_name
    display.admin_order_field = name
    return display


class TimesAdminMixin:
    """Every date-time field of the model, in the list and on the change page, in the project's
    one format with its zone (``2025-04-15 06:41:09 UTC``), the account's time beside it where
    the record has a zone of its own that reads differently (``integrations.display``)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._time_names = {}
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField):
                shown = f"time_of_{field.name}"
                setattr(self, shown, _time_display(model, field.name))
                self._time_names[field.name] = shown

    def _times(self, names):
        return [self._time_names.get(n, n) if isinstance(n, str) else n for n in names]

    def get_list_display(self, request):
        return self._times(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        return self._times(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        swapped = []
        for title, options in super().get_fieldsets(request, obj):
            fields = [
                tuple(self._times(f)) if isinstance(f, list | tuple) else self._times([f])[0]
                for f in options.get("fields", ())
            ]
            swapped.append((title, {**options, "fields": fields}))
        return swapped


def _workflows_named(term: str) -> list[int]:
    """The workflows whose name contains ``term``: a small table, read once per search, so
    that the records' own query needs no join."""
    from .models import Workflow

    return list(Workflow.objects.filter(name__icontains=term).values_list("pk", flat=True))


def _union_of_keys(branches):
    """The primary keys any branch matches, as one subquery.

    Each branch (the search fields, a workflow, a phone key, words of the text) is served by
    its own index on PostgreSQL (trigram, B-tree, full-text); one ``WHERE`` with their ``OR``
    would make the planner read every row instead, and a subquery in an ``OR`` cannot use an
    index at all. A ``UNION`` of their keys keeps each branch on its index.
    """
    keys = [branch.order_by().values("pk") for branch in branches]
    return keys[0].union(*keys[1:]) if len(keys) > 1 else keys[0]


class LightDateHierarchyMixin:
    """The date hierarchy's links without a query over the list.

    Django draws the hierarchy from the dates the filtered list holds (``SELECT DISTINCT
    DATE_TRUNC(…)`` over every matching row: seconds at a million calls, on every list page).
    ``django_admin_lightweight_date_hierarchy``'s tag draws it from the calendar instead: every
    month of a year, every day of a month, and the years from the table's first to its last
    record, two reads of the time's index. A link may lead to an empty month; the list says so.
    Selecting a date is unchanged: Django filters a year, month or day as a range of the index.
    """

    date_hierarchy_drilldown = False

    def get_date_hierarchy_drilldown(self, year: int | None, month: int | None):
        if year is None:
            span = self.model._default_manager.aggregate(
                first=models.Min(self.date_hierarchy), last=models.Max(self.date_hierarchy)
            )
            if span["first"] is None:
                return []
            first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
            return [dt.date(y, 1, 1) for y in range(first, last + 1)]
        if month is None:
            return [dt.date(year, m, 1) for m in range(1, 13)]
        days = calendar.monthrange(year, month)[1]
        return [dt.date(year, month, d) for d in range(1, days + 1)]


class RecordAdmin(
    LightDateHierarchyMixin,
    AuditedChangeViewMixin,
    TimesAdminMixin,
    ContactDetailsAdminMixin,
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
        queryset = super().get_queryset(request)
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
        and says which parameter and why, where Django would show every record (``?e=1``)."""
        if request.method == "GET" and not getattr(request, "_refused_filters", None):
            try:
                self.get_changelist_instance(request)
            except IncorrectLookupParameters:
                refused = _refused_parameters(self, request) or {"filters": "not valid together"}
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
