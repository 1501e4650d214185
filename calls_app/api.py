"""Read-only REST API of call results: ``/api/calls/`` and ``/api/calls/<call_id>/``."""

from django.db.models.functions import Coalesce
from rest_framework import viewsets

from integrations.api import ModelViewPermissions, NewestFirstPagination

from .filters import CallResultFilter
from .models import CallResult
from .serializers import CallResultDetailSerializer, CallResultSerializer


class CallResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Call results, newest first, filtered by the same parameters as the dashboard and admin."""

    lookup_field = "call_id"
    lookup_value_regex = "[^/]+"
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    filterset_class = CallResultFilter

    def get_queryset(self):
        calls = CallResult.objects.select_related("workflow").annotate(
            sort_at=Coalesce("started_at", "last_pushed_at")
        )
        if self.action == "retrieve":
            calls = calls.prefetch_related("transcript", "answers", "redials", "node_pushes")
        return calls

    def get_serializer_class(self):
        return CallResultDetailSerializer if self.action == "retrieve" else CallResultSerializer
