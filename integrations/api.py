"""The read-only REST API over calls and chat sessions: one viewset, configured per kind.

Each domain's viewset names its FilterSet, serializers, the time it sorts on and what its
detail page prefetches; listing, lookup by AI Rudder's ``call_id``, permissions and cursor
pagination are the same for every kind of record.
"""

from django.db.models.functions import Coalesce
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from .audit import audit_record_view
from .models import Workflow
from .privacy import ContactDetailsMaskingMixin, can_view_contact_details

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


class RecordSerializer(ContactDetailsMaskingMixin, serializers.ModelSerializer):
    """A call or chat session in a list: its workflow nested, customer details masked for most
    users (``phone_fields``, ``name_fields``), and ``url``, its detail (see ``record_url``)."""

    workflow = WorkflowSerializer(read_only=True)


def record_url(view_name: str) -> serializers.HyperlinkedIdentityField:
    """The ``url`` field of a record: its detail in the API, by AI Rudder's ``call_id``."""
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="call_id", read_only=True
    )


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Records newest first, filtered by the same parameters as the dashboard and the admin.

    - ``filterset_class`` (its model is the viewset's), and ``serializer_classes``: the list's and
      one record's (with its children);
    - ``sort_fields``: the record's own time, then one it always has (``NewestFirstPagination``);
    - ``detail_prefetch``: ``prefetch_related`` lookups of the detail, so its queries stay few.
    """

    lookup_field = "call_id"
    lookup_value_regex = "[^/]+"
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    serializer_classes: tuple[type[serializers.Serializer], ...] = ()
    sort_fields: tuple[str, str] = ()
    detail_prefetch: tuple = ()

    def get_queryset(self):
        model = self.filterset_class._meta.model
        records = model.objects.select_related("workflow").annotate(
            sort_at=Coalesce(*self.sort_fields)
        )
        if self.action == "retrieve":
            records = records.prefetch_related(*self.detail_prefetch)
        return records

    def get_serializer_class(self):
        listed, detail = self.serializer_classes
        return detail if self.action == "retrieve" else listed

    def retrieve(self, request, *args, **kwargs):
        """One record, with its transcript or messages: who read it goes in the audit log."""
        record = self.get_object()
        audit_record_view(
            request=request, obj=record, revealed=can_view_contact_details(request.user)
        )
        return Response(self.get_serializer(record).data)
