"""Read-only REST API of call results: ``/api/calls/`` and ``/api/calls/<call_id>/``."""

from records.api import RecordViewSet

from .filters import CallResultFilter
from .serializers import CallResultDetailSerializer, CallResultSerializer


class CallResultViewSet(RecordViewSet):
    """Call results, newest first, filtered by the same parameters as the dashboard and admin."""

    filterset_class = CallResultFilter
    serializer_classes = (CallResultSerializer, CallResultDetailSerializer)
    sort_fields = ("started_at", "last_pushed_at")
    detail_prefetch = ("transcript", "answers", "redials", "node_pushes")
