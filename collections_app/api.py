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
from records.api import (
    LIST_UNKNOWN,
    ApiSchema,
    ModelViewPermissions,
    NewestFirstPagination,
    refuse_unknown,
)

from .comparison import CompareForm, comparison_json, workflows_compare
from .filters import NumberHealthFilter, PromiseFilter
from .selectors import numbers_visible, promises_visible
from .serializers import NumberHealthSerializer, PromiseSerializer


class CollectionsListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    schema = ApiSchema()
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    list_parameters = ("cursor", "page_size", "format")

    # The rows the user may see (a selector taking the user) and the time they are paged by.
    rows = None
    sort_field = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.queryset = cls.filterset_class._meta.model.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = {*self.filterset_class.base_filters, *self.list_parameters}
        refuse_unknown(request.query_params, known, LIST_UNKNOWN)

    def get_queryset(self):
        return type(self).rows(self.request.user).annotate(sort_at=F(self.sort_field))


class PromiseViewSet(CollectionsListViewSet):
    """Promises to pay, newest first, with their status now."""

    filterset_class, serializer_class = PromiseFilter, PromiseSerializer
    rows, sort_field = promises_visible, "made_at"


class NumberHealthViewSet(CollectionsListViewSet):
    """Customer numbers, last called first, with their health now (``?health=unreachable``)."""

    filterset_class, serializer_class = NumberHealthFilter, NumberHealthSerializer
    rows, sort_field = numbers_visible, "last_called_at"


class CanCompareWorkflows(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(COMPARE_WORKFLOWS))


def _object(**properties) -> dict:
    return {"type": "object", "properties": properties}


_NUMBER, _INTEGER, _STRING = (
    {"type": "number", "nullable": True},
    {"type": "integer"},
    {"type": "string"},
)
_DAY = {"type": "string", "format": "date", "nullable": True}
_RATE = _object(count=_INTEGER, base=_INTEGER, rate=_NUMBER, low=_NUMBER, high=_NUMBER)
_SIDE = _object(
    workflow_id=_STRING,
    workflow_name=_STRING,
    contacts=_INTEGER,
    date_from=_DAY,
    date_to=_DAY,
    rates={"type": "object", "additionalProperties": _RATE},
)
_DIFFERENCE = _object(
    difference=_NUMBER, z=_NUMBER, p_value=_NUMBER, significant={"type": "boolean"}
)
_COMPARISON = _object(
    test=_STRING,
    interval=_STRING,
    a=_SIDE,
    b=_SIDE,
    differences={"type": "object", "additionalProperties": _DIFFERENCE},
)
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
        refuse_unknown(request.query_params, form.fields, "Not a parameter of the comparison.")
        if not form.is_valid():
            raise ValidationError(form.errors)
        return Response(comparison_json(workflows_compare(request.user, form.cleaned_data)))
