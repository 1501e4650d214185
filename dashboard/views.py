"""The outcomes dashboard and its CSV downloads; the sections come from the record kinds."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from collections_app.selectors import promises_now
from privacy.audit import Action, audit_record
from privacy.masking import can_view_contact_details
from privacy.permissions import EXPORT_CSV, VIEW_DASHBOARD, VIEW_PROMISES, view_permission
from records import reading
from records.distinct import distinct_values
from records.exports import Column, csv_lines, csv_response, export_filename
from records.models import Workflow
from records.money import money_text
from records.scope import visible

from .params import (
    PERIOD,
    dashboard_data,
    dashboard_filters,
    parameters,
    presets,
    previous_period,
    range_errors,
)
from .sections import section, table_by_key
from .tables import csv_columns


def _records_export_url(kind: str):
    def url(query: str) -> str:
        path = reverse("dashboard:records-csv", kwargs={"kind": kind})
        return f"{path}?{query}" if query else path

    return url


def _period_text(data) -> str:
    date_from, date_to = data.get("date_from", ""), data.get("date_to", "")
    return date_from if date_from == date_to else f"{date_from} to {date_to}"


def _note(kind: reading.RecordKind, data) -> str:
    """Which of the page's filters do not apply to ``kind`` (calls have no channel)."""
    notes = []
    for name in parameters():
        if name in (*PERIOD, *kind.filters) or not data.getlist(name):
            continue
        others = [other.label.lower() for other in reading.all_kinds() if name in other.filters]
        notes.append(
            f"{kind.label} have no {name}: the {name} filter narrows {' and '.join(others)} only."
        )
    return " ".join(notes)


def _sections(data, user, *, compare: bool = False):
    """The page's sections, or the errors of its parameters (a reversed range is one).

    With ``compare``, each headline number is also given over the period of the same length
    just before.
    """
    filtered = dashboard_filters(data)
    errors = dict(range_errors(data))
    for _, filterset in filtered:
        errors.update(filterset.errors)
    if errors:
        return None, errors
    previous = previous_period(data) if compare else None
    before = dict.fromkeys(kind.key for kind, _ in filtered)
    label = ""
    if previous is not None:
        before = {kind.key: filterset for kind, filterset in dashboard_filters(previous)}
        label = _period_text(previous)
    return [
        section(
            kind,
            filterset,
            _records_export_url(kind.key),
            before[kind.key],
            label,
            note=_note(kind, data),
            user=user,
        )
        for kind, filterset in filtered
    ], {}


def _presets(data) -> list[dict]:
    """The period links, each keeping the page's other filters; the one in force is marked."""
    links = []
    for preset in presets():
        query = data.copy()
        query["date_from"], query["date_to"] = preset.date_from, preset.date_to
        links.append(
            {
                "label": preset.label,
                "url": f"{reverse('dashboard:index')}?{query.urlencode()}",
                "current": data.get("date_from") == preset.date_from.isoformat()
                and data.get("date_to") == preset.date_to.isoformat(),
            }
        )
    return links


def _chips(data, workflows, splits) -> list[dict]:
    """The filters in force as words people know (a workflow by its name), each removable."""
    names = {workflow.workflow_id: workflow.name or workflow.workflow_id for workflow in workflows}
    labels = {"workflow_id": "Workflow", "robot_id": "Robot", "channel": "Channel"}
    labels.update({name: label for name, label, _ in splits})
    chips = []
    for name, label in labels.items():
        for value in data.getlist(name):
            rest = data.copy()
            rest.setlist(name, [v for v in data.getlist(name) if v != value])
            chips.append(
                {
                    "label": label,
                    "value": names.get(value, value) if name == "workflow_id" else value,
                    "remove_url": f"{reverse('dashboard:index')}?{rest.urlencode()}",
                }
            )
    return chips


def _values(parameter: str) -> list[str]:
    """Every value of a filter's column over the kinds that offer it, from its index."""
    values = set()
    for kind in reading.all_kinds():
        if parameter in kind.filters:
            fixed = kind.groups.get(parameter)
            if fixed is not None and fixed.choices:
                values |= set(fixed.choices)
            else:
                values |= set(distinct_values(kind.model, parameter))
    return sorted(value for value in values if value)


def _split_filters() -> list[tuple[str, str, list[str]]]:
    """The declared splits the dashboard also filters by (intention): name, label, values."""
    shown = {}
    for kind in reading.all_kinds():
        for dimension in kind.dimensions:
            name = dimension.filter_parameter
            if name in kind.filters and name not in ("workflow_id", "robot_id", "channel"):
                shown.setdefault(name, dimension.label)
    return [(name, label, _values(name)) for name, label in shown.items()]


def _choices():
    """The filters' choices, read from the columns' indexes (``records.distinct``)."""
    return {
        "workflows": Workflow.objects.order_by("name", "workflow_id"),
        "channels": _values("channel"),
        "robots": _values("robot_id"),
    }


@require_GET
@login_required
@permission_required(VIEW_DASHBOARD, raise_exception=True)
def dashboard(request):
    data = dashboard_data(request.GET)
    sections, errors = _sections(data, request.user, compare=True)
    choices, splits, presets = _choices(), _split_filters(), _presets(data)
    context = {
        **admin.site.each_context(request),
        "title": "Outcomes",
        "is_nav_sidebar_enabled": False,  # the page needs the width on a laptop screen
        "data": data,
        "selected": {name: data.getlist(name) for name in parameters()},
        "errors": errors,
        "sections": sections or [],
        "query": data.urlencode(),
        "can_export": request.user.has_perm(EXPORT_CSV),
        "presets": presets,
        "custom_period": not any(preset["current"] for preset in presets),
        "chips": _chips(data, choices["workflows"], splits),
        "splits": [
            (name, label, [(value, value in data.getlist(name)) for value in values])
            for name, label, values in splits
        ],
        "previous_period": sections[0].comparison[0].period
        if sections and sections[0].comparison
        else "",
        "promises": _promises(request.user, data),
        **choices,
    }
    return render(request, "dashboard/index.html", context, status=400 if errors else 200)


def _promises(user, data) -> dict | None:
    """What is promised now (not in the period): amounts by currency, due and lapsed counts,
    each linked to the promises list; for those who may see promises."""
    if not user.has_perm(VIEW_PROMISES):
        return None
    now = promises_now(user, data.getlist("workflow_id"))
    base = reverse("admin:collections_app_promise_changelist")
    return {
        "amounts": [money_text(total, currency) for currency, total in now.amounts.items()],
        "open_url": f"{base}?status=open",
        "due_today": (now.due_today, f"{base}?status=due"),
        "due_soon": (now.due_soon, f"{base}?due=week"),
        "lapsed": (now.lapsed, f"{base}?status=lapsed"),
    }


@require_GET
@login_required
@permission_required([VIEW_DASHBOARD, EXPORT_CSV], raise_exception=True)
def table_csv(request, key: str):
    """One dashboard table as CSV, under the same filters as the page it is linked from."""
    sections, errors = _sections(dashboard_data(request.GET), request.user)
    if errors:
        return HttpResponseBadRequest(f"Invalid filters: {errors}")
    table = table_by_key(sections, key)
    if table is None:
        raise Http404("No such table")
    columns = [Column(header, value) for header, value in csv_columns(table)]
    lines = csv_lines(table.rows, columns, reveal=True)  # aggregates: no customer details
    return csv_response(lines, filename=export_filename(table.key))


@require_GET
@login_required
@permission_required(EXPORT_CSV, raise_exception=True)
def records_csv(request, kind: str):
    """The calls or chat sessions a query selects (any FilterSet parameter), streamed as CSV."""
    kinds = {declared.key: declared for declared in reading.all_kinds()}
    if kind not in kinds:
        raise Http404("No such kind of record")
    declared = kinds[kind]
    if not request.user.has_perm(view_permission(declared.model)):
        raise PermissionDenied
    export = declared.csv
    records = visible(declared.model.objects.all(), request.user)
    filterset = declared.filterset(data=request.GET, queryset=records)
    if not filterset.is_valid():
        return HttpResponseBadRequest(f"Invalid filters: {filterset.errors.as_text()}")
    reveal = can_view_contact_details(request.user)
    audit_record(
        user=request.user,
        action=Action.EXPORT_CSV,
        label=export.name,
        request=request,
        details={"unmasked": reveal},
    )
    return export.response(filterset.qs, reveal=reveal)
