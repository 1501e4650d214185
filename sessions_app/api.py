"""Read-only REST API of chat sessions: ``/api/sessions/`` and ``/api/sessions/<call_id>/``."""

from django.db.models import Prefetch

from records.api import RecordViewSet

from .filters import ChatSessionFilter
from .models import ChatMessage
from .serializers import ChatSessionDetailSerializer, ChatSessionSerializer


class ChatSessionViewSet(RecordViewSet):
    """Chat sessions, newest first, filtered by the same parameters as the dashboard and admin."""

    filterset_class = ChatSessionFilter
    serializer_classes = (ChatSessionSerializer, ChatSessionDetailSerializer)
    sort_fields = ("ended_at", "notified_at")
    # Messages in payload order, each with the message it quotes, in two queries.
    detail_prefetch = (
        Prefetch(
            "messages",
            queryset=ChatMessage.objects.select_related("reply_to").order_by("position"),
        ),
    )
