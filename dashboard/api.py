"""``/api/outcomes/``: counts of calls or chat sessions grouped by workflow, intention and so on.

``?kind=calls&group_by=workflow,intention&date_from=2025-04-01`` takes the same filter parameters
as ``/api/calls/`` (or ``/api/sessions/``); each result row carries the URL of its records in the
API, so a count can be followed to the calls behind it.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.permissions import VIEW_DASHBOARD, view_permission
from records import reading
from records.api import ApiSchema
from records.filtering import BooleanFilter, DayFilter, filter_params, query_string, with_params
from staff.services import staff_account_ids

from . import rollups


def _row_filters(kind: reading.RecordKind, row: dict, group_by: list[str]) -> dict:
    """The filter parameters that open a row's records."""
    overrides = {}
    for key in group_by:
        if key == reading.DAY:
            overrides.update(date_from=row[key], date_to=row[key])
        else:
            dimension = kind.groups[key]
            parameter = dimension.filter_parameter
            overrides[parameter] = row[parameter if parameter in row else dimension.row_keys[0]]
    return overrides


class CanViewDashboard(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm(VIEW_DASHBOARD)


def _filter_type(flt) -> OpenApiTypes:
    if isinstance(flt, BooleanFilter):
        return OpenApiTypes.BOOL
    if isinstance(flt, DayFilter):
        return OpenApiTypes.DATE
    return OpenApiTypes.STR


def _filter_parameters() -> list[OpenApiParameter]:
    names = {}
    for kind in reading.all_kinds():
        names.update(kind.filterset.base_filters)
    return [
        OpenApiParameter(
            name,
            _filter_type(flt),
            description=f"{flt.label or name} (as in /api/calls/ or /api/sessions/)",
        )
        for name, flt in names.items()
    ]


def _groups() -> list[str]:
    return list(dict.fromkeys(key for kind in reading.all_kinds() for key in kind.groups))


def _group_description() -> str:
    kinds = "; ".join(f"{k.key}: {', '.join(k.groups)}" for k in reading.all_kinds())
    return f"Comma-separated: {kinds}. Another, or one repeated: 400. Empty: one row, the totals."


def _row_serializer():
    """One row: its counts and measures, the link to its records, the values of its groups
    (only in rows grouped by them; empty, ``null``, for some records)."""
    fields = {"count": serializers.IntegerField()}
    group_fields = {}
    for kind in reading.all_kinds():
        for measure in kind.measures:
            number = serializers.IntegerField if measure.how == "count" else serializers.FloatField
            fields[measure.name] = number(
                required=False, allow_null=True, help_text=f"{kind.label}: {measure.label}"
            )
        for dimension in kind.groups.values():
            if reading.has_labels(kind.key, dimension.key):
                group_fields[f"{dimension.key}_label"] = serializers.CharField(
                    required=False, allow_null=True, help_text="The account's label of the code"
                )
            for name in dimension.row_keys:
                flt = kind.filterset.base_filters.get(name)
                if dimension.key == reading.DAY:
                    group_fields[name] = serializers.DateField(required=False, allow_null=True)
                elif isinstance(flt, BooleanFilter):
                    group_fields[name] = serializers.BooleanField(required=False, allow_null=True)
                else:
                    group_fields[name] = serializers.CharField(required=False, allow_null=True)
    fields["records"] = serializers.URLField(
        help_text="These records in /api/calls/ or /api/sessions/"
    )
    return inline_serializer("OutcomesRow", {**fields, **group_fields})


_OUTCOMES = inline_serializer(
    "Outcomes",
    {
        "kind": serializers.ChoiceField(choices=[k.key for k in reading.all_kinds()]),
        "group_by": serializers.ListField(child=serializers.ChoiceField(choices=_groups())),
        "filters": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="The filter parameters read, normalised",
        ),
        "total": serializers.IntegerField(),
        "results": _row_serializer().__class__(many=True),
    },
)


class OutcomesView(APIView):
    """Counts grouped by ``group_by``, for users with the dashboard's permission."""

    permission_classes = [IsAuthenticated, CanViewDashboard]
    schema = ApiSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=[k.key for k in reading.all_kinds()], required=True
            ),
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                enum=_groups(),
                many=True,
                style="form",
                explode=False,
                description=_group_description(),
            ),
            *_filter_parameters(),
        ],
        responses={200: _OUTCOMES},
    )
    def get(self, request):
        kinds = {kind.key: kind for kind in reading.all_kinds()}
        key = request.query_params.get("kind", "")
        if key not in kinds:
            raise ValidationError({"kind": [f"Must be one of: {', '.join(kinds)}."]})
        kind = kinds[key]
        groups = kind.groups
        if not request.user.has_perm(view_permission(kind.model)):
            raise PermissionDenied(f"You may not view {kind.model._meta.verbose_name_plural}.")
        group_by = [
            name.strip()
            for value in request.query_params.getlist("group_by")
            for name in value.split(",")
            if name.strip()
        ]
        unknown = [key for key in group_by if key not in groups]
        if unknown or len(set(group_by)) != len(group_by):
            raise ValidationError(
                {
                    "group_by": [
                        f"Unknown or repeated group for {key}: {', '.join(unknown or group_by)}. "
                        f"Choose among: {', '.join(groups)}."
                    ]
                }
            )
        filterset = kind.filterset(
            data=request.query_params, queryset=kind.model.objects.all(), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        params = filter_params(filterset)
        rows = rollups.grouped(kind, filterset, group_by, request.user)
        accounts = staff_account_ids(request.user)
        for split in (name for name in group_by if reading.has_labels(kind.key, name)):
            words = reading.labels_for(kind.key, split, [row[split] for row in rows], accounts)
            for row in rows:
                row[f"{split}_label"] = words.get(row[split])
        records = request.build_absolute_uri(reverse(kind.api_list))
        for row in rows:
            query = query_string(with_params(params, **_row_filters(kind, row, group_by)))
            row["records"] = f"{records}?{query}" if query else records
        return Response(
            {
                "kind": key,
                "group_by": group_by,
                "filters": params,
                "total": sum(row["count"] for row in rows),
                "results": rows,
            }
        )
