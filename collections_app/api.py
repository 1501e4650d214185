"""``/api/promises/``, ``/api/numbers/`` (read-only lists, paged by cursor like the records'
API, refusing parameters they do not read) and ``/api/compare/``."""

from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy.permissions import COMPARE_WORKFLOWS
from records.api import ApiSchema, ModelViewPermissions, NewestFirstPagination

from .comparison import CompareForm, comparison_json, workflows_compare
from .filters import NumberHealthFilter, PromiseFilter
from .selectors import numbers_visible, promises_visible
from .serializers import NumberHealthSerializer, PromiseSerializer


class CollectionsListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    schema = ApiSchema()
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    list_parameters = ("cursor", "page_size", "format")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = {*self.filterset_class.base_filters, *self.list_parameters}
        unknown = sorted(name for name in request.query_params if name not in known)
        if unknown:
            raise ValidationError(
                {name: ["Not a parameter of this list; see the API's schema."] for name in unknown}
            )


class PromiseViewSet(CollectionsListViewSet):
    """Promises to pay, newest first, with their status now."""

    queryset = PromiseFilter._meta.model.objects.none()
    filterset_class = PromiseFilter
    serializer_class = PromiseSerializer

    def get_queryset(self):
        return promises_visible(self.request.user).annotate(sort_at=F("made_at"))


class NumberHealthViewSet(CollectionsListViewSet):
    """Customer numbers, last called first, with their health now (``?health=unreachable``)."""

    queryset = NumberHealthFilter._meta.model.objects.none()
    filterset_class = NumberHealthFilter
    serializer_class = NumberHealthSerializer

    def get_queryset(self):
        return numbers_visible(self.request.user).annotate(sort_at=F("last_called_at"))


class CanCompareWorkflows(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(COMPARE_WORKFLOWS))


_NUMBER = {"type": "number", "nullable": True}
_RATE = {
    "type": "object",
    "properties": {
        "count": {"type": "integer"},
        "base": {"type": "integer"},
        "rate": _NUMBER,
        "low": _NUMBER,
        "high": _NUMBER,
    },
}
_RATES = {"type": "object", "additionalProperties": _RATE}
_SIDE = {
    "type": "object",
    "properties": {
        "workflow_id": {"type": "string"},
        "workflow_name": {"type": "string"},
        "contacts": {"type": "integer"},
        "date_from": {"type": "string", "format": "date", "nullable": True},
        "date_to": {"type": "string", "format": "date", "nullable": True},
        "rates": _RATES,
    },
}
_DIFFERENCE = {
    "type": "object",
    "properties": {
        "difference": _NUMBER,
        "z": _NUMBER,
        "p_value": _NUMBER,
        "significant": {"type": "boolean"},
    },
}
_COMPARISON = {
    "type": "object",
    "properties": {
        "test": {"type": "string"},
        "interval": {"type": "string"},
        "a": _SIDE,
        "b": _SIDE,
        "differences": {"type": "object", "additionalProperties": _DIFFERENCE},
    },
}
_DAYS = "inclusive, in the reader's time zone"


@extend_schema(
    parameters=[
        OpenApiParameter("a", OpenApiTypes.STR, required=True, description="Workflow id (A)."),
        OpenApiParameter("b", OpenApiTypes.STR, required=True, description="Workflow id (B)."),
        OpenApiParameter("date_from", OpenApiTypes.DATE, description=f"First day, {_DAYS}."),
        OpenApiParameter("date_to", OpenApiTypes.DATE, description=f"Last day, {_DAYS}."),
        OpenApiParameter("b_date_from", OpenApiTypes.DATE, description="B's first day, if other."),
        OpenApiParameter("b_date_to", OpenApiTypes.DATE, description="B's last day, if other."),
    ],
    responses={200: OpenApiResponse(_COMPARISON, description="Both sides and each difference.")},
)
class CompareView(APIView):
    """``/api/compare/?a=WORKFLOW_ID&b=WORKFLOW_ID[&date_from&date_to&b_date_from&b_date_to]``:
    each side's sample, rates with 95% Wilson intervals, and each difference's z-test."""

    permission_classes = [CanCompareWorkflows]
    schema = ApiSchema()

    def get(self, request):
        form = CompareForm(request.query_params)
        unknown = sorted(name for name in request.query_params if name not in form.fields)
        if unknown:
            raise ValidationError(
                {name: ["Not a parameter of the comparison."] for name in unknown}
            )
        if not form.is_valid():
            raise ValidationError(form.errors)
        return Response(comparison_json(workflows_compare(request.user, form.cleaned_data)))
