"""Read-only REST API of call results: ``/api/calls/`` and ``/api/calls/<call_id>/``."""

from integrations.api import RecordViewSet

from .filters import CallResultFilter
from .models import CallResult
from .serializers import CallResultDetailSerializer, CallResultSerializer


class CallResultViewSet(RecordViewSet):
    """Call results, newest first, filtered by the same parameters as the dashboard and admin."""

    model = CallResult
    filterset_class = CallResultFilter
    serializer_class = CallResultSerializer
    detail_serializer_class = CallResultDetailSerializer
    sort_fields = ("started_at", "last_pushed_at")
    detail_prefetch = ("transcript", "answers", "redials", "node_pushes")
