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

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from calls_app.outcomes import CALL_OUTCOMES
from records.api import ApiSchema
from records.filtering import (
    BooleanFilter,
    DayFilter,
    filter_params,
    query_string,
    with_params,
)
from sessions_app.filters import ChatSessionFilter
from sessions_app.models import ChatSession
from sessions_app.outcomes import CHAT_SESSION_OUTCOMES

from . import rollups

KINDS = {
    "calls": (CallResult, CallResultFilter, CALL_OUTCOMES, "call-list"),
    "sessions": (ChatSession, ChatSessionFilter, CHAT_SESSION_OUTCOMES, "session-list"),
}
# A group whose filter parameter has another name.
GROUP_PARAMETERS = {"workflow": "workflow_id"}


def _row_filters(row: dict, group_by: list[str]) -> dict:
    overrides = {}
    for key in group_by:
        if key == "day":
            overrides.update(date_from=row["day"], date_to=row["day"])
        else:
            overrides[GROUP_PARAMETERS.get(key, key)] = row[GROUP_PARAMETERS.get(key, key)]
    return overrides


class CanViewDashboard(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("dashboard.view_dashboard")


def _filter_type(flt) -> OpenApiTypes:
    if isinstance(flt, BooleanFilter):
        return OpenApiTypes.BOOL
    if isinstance(flt, DayFilter):
        return OpenApiTypes.DATE
    return OpenApiTypes.STR


def _filter_parameters() -> list[OpenApiParameter]:
    names = {**CallResultFilter.base_filters, **ChatSessionFilter.base_filters}
    return [
        OpenApiParameter(
            name,
            _filter_type(flt),
            description=f"{flt.label or name} (as in /api/calls/ or /api/sessions/)",
        )
        for name, flt in names.items()
    ]


def _groups() -> list[str]:
    keys = [key for _, _, outcomes, _ in KINDS.values() for key in outcomes.groups]
    return list(dict.fromkeys(keys))


def _group_column(field_class: type[serializers.Field]) -> serializers.Field:
    """A group's value: only in rows grouped by it, and empty (``null``) for some records."""
    return field_class(required=False, allow_null=True)


# One row of the results: its counts, the link to its records, and the values of its groups.
_ROW = inline_serializer(
    "OutcomesRow",
    {
        "count": serializers.IntegerField(),
        "answered_count": serializers.IntegerField(required=False, help_text="Calls"),
        "handed_over_count": serializers.IntegerField(required=False, help_text="Sessions"),
        "records": serializers.URLField(help_text="These records in /api/calls/ or /api/sessions/"),
        **{
            name: _group_column(serializers.CharField)
            for name in [
                "workflow_id",
                "workflow_name",
                "intention",
                "hangup_type",
                "ring_type",
                "end_reason",
                "channel",
            ]
        },
        "answered": _group_column(serializers.BooleanField),
        "handed_over": _group_column(serializers.BooleanField),
        "day": _group_column(serializers.DateField),
    },
)
_OUTCOMES = inline_serializer(
    "Outcomes",
    {
        "kind": serializers.ChoiceField(choices=list(KINDS)),
        "group_by": serializers.ListField(child=serializers.ChoiceField(choices=_groups())),
        "filters": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="The filter parameters read, normalised",
        ),
        "total": serializers.IntegerField(),
        "results": _ROW.__class__(many=True),
    },
)


class OutcomesView(APIView):
    """Counts grouped by ``group_by``, for users with the dashboard's permission."""

    permission_classes = [IsAuthenticated, CanViewDashboard]
    schema = ApiSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS), required=True),
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                enum=_groups(),
                many=True,
                style="form",
                explode=False,
                description="Comma-separated: calls: workflow, intention, hangup_type, "
                "ring_type, answered, day; sessions: workflow, intention, end_reason, channel, "
                "handed_over, day. Another, or one repeated: 400. Empty: one row with the total.",
            ),
            *_filter_parameters(),
        ],
        responses={200: _OUTCOMES},
    )
    def get(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in KINDS:
            raise ValidationError({"kind": [f"Must be one of: {', '.join(KINDS)}."]})
        model, filterset_class, outcomes, list_view = KINDS[kind]
        groups = outcomes.groups
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied(f"You may not view {opts.verbose_name_plural}.")
        group_by = [
            key.strip()
            for value in request.query_params.getlist("group_by")
            for key in value.split(",")
            if key.strip()
        ]
        unknown = [key for key in group_by if key not in groups]
        if unknown or len(set(group_by)) != len(group_by):
            raise ValidationError(
                {
                    "group_by": [
                        f"Unknown or repeated group for {kind}: {', '.join(unknown or group_by)}. "
                        f"Choose among: {', '.join(groups)}."
                    ]
                }
            )
        filterset = filterset_class(
            data=request.query_params, queryset=model.objects.all(), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        params = filter_params(filterset)
        rows = rollups.grouped(rollups.BY_KIND[kind], filterset, group_by)
        if rows is None:
            rows = outcomes.count(filterset.qs, group_by)
        records = request.build_absolute_uri(reverse(list_view))
        for row in rows:
            query = query_string(with_params(params, **_row_filters(row, group_by)))
            row["records"] = f"{records}?{query}" if query else records
        return Response(
            {
                "kind": kind,
                "group_by": group_by,
                "filters": params,
                "total": sum(row["count"] for row in rows),
                "results": rows,
            }
        )
