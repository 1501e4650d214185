"""``/api/promises/`` (and ``/api/numbers/``): read-only lists, paged by cursor like the
records' API, refusing parameters they do not read."""

from django.db.models import F
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from records.api import ApiSchema, ModelViewPermissions, NewestFirstPagination

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
