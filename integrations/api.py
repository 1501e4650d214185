"""Shared pieces of the read-only REST API over calls and chat sessions."""

from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions

from .models import Workflow

VIEW = ["%(app_label)s.view_%(model_name)s"]


class ModelViewPermissions(DjangoModelPermissions):
    """Reading needs the model's view permission (DRF's default lets any logged-in user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}


class NewestFirstPagination(CursorPagination):
    """Newest first by ``sort_at``, a time every record has (the view annotates it), then id.

    The records' own times can be missing when AI Rudder leaves them out, and a cursor cannot
    point at a missing value.
    """

    ordering = ("-sort_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 500


class WorkflowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workflow
        fields = ["workflow_id", "name"]
