"""Read-only REST API of chat sessions: ``/api/sessions/`` and ``/api/sessions/<call_id>/``."""

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from rest_framework import viewsets

from integrations.api import ModelViewPermissions, NewestFirstPagination

from .filters import ChatSessionFilter
from .models import ChatMessage, ChatSession
from .serializers import ChatSessionDetailSerializer, ChatSessionSerializer


class ChatSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Chat sessions, newest first, filtered by the same parameters as the dashboard and admin."""

    lookup_field = "call_id"
    lookup_value_regex = "[^/]+"
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    filterset_class = ChatSessionFilter

    def get_queryset(self):
        sessions = ChatSession.objects.select_related("workflow").annotate(
            sort_at=Coalesce("ended_at", "notified_at")
        )
        if self.action == "retrieve":
            messages = ChatMessage.objects.select_related("reply_to").order_by("position")
            sessions = sessions.prefetch_related(Prefetch("messages", queryset=messages))
        return sessions

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ChatSessionDetailSerializer
        return ChatSessionSerializer
