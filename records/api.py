"""The read-only REST API over calls and chat sessions: one viewset, configured per kind.

Each domain's viewset names its FilterSet, serializers, the time it sorts on and what its
detail page prefetches; listing, lookup by AI Rudder's ``call_id``, permissions and cursor
pagination are the same for every kind of record. ``ApiSchema`` documents the errors every
operation of the read API can answer, besides its 200.
"""

import datetime as dt
import re

from django import forms
from django.db.models.functions import Coalesce
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response

from privacy.audit import audit_record_view
from privacy.masking import ContactDetailsMaskingMixin, can_view_contact_details
from records.models import Workflow
from records.reading import records_label
from records.scope import visible

VIEW = ["%(app_label)s.view_%(model_name)s"]


def refuse_unknown(params, known, message: str) -> None:
    """A parameter a view does not read (``callee_number__startswith``, ``ordering``) is a 400
    that names it: ignoring it would answer every record, as if it had matched."""
    unknown = sorted(name for name in params if name not in known)
    if unknown:
        raise ValidationError({name: [message] for name in unknown})


LIST_UNKNOWN = "Not a parameter of this list; see the API's schema."


class ModelViewPermissions(DjangoModelPermissions):
    """Reading needs the model's view permission (DRF's default lets any logged-in user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": VIEW, "HEAD": VIEW, "OPTIONS": VIEW}


_DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
# What DRF and django-filter answer to unreadable parameters: each one's name -> its messages.
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"date_from": ["Enter a valid date."]},
}


class ApiSchema(AutoSchema):
    """Documents, besides an operation's 200, the errors the read API answers.

    400 (a parameter it cannot read: ``{"name": ["message", …]}``), 401 and 403 (``{"detail":
    "…"}``: not logged in, or without the permission), and 404 (``{"detail": "…"}``) for an
    operation with a path parameter (an unknown id) or a cursor (one that is not ours).
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self.error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {
            "400": OpenApiResponse(
                _FIELD_ERRORS, description="A parameter is unreadable: the messages by its name."
            ),
            "401": OpenApiResponse(_DETAIL, description="Not authenticated."),
            "403": OpenApiResponse(
                _DETAIL,
                description="Without the permission to read these records, or not logged in "
                "(session authentication answers 403 rather than 401).",
            ),
        }
        paginated = self._is_list_view() and self._get_paginator() is not None
        if paginated or "{" in self.path:
            errors["404"] = OpenApiResponse(
                _DETAIL, description="No record with this id, or the cursor is not one of ours."
            )
        return errors


_WHOLE_NUMBER = re.compile(r"[0-9]+")


class NewestFirstPagination(CursorPagination):
    """Newest first by ``sort_at``, a time every record has (the view annotates it), then id.

    The records' own times can be missing when AI Rudder leaves them out, and a cursor cannot
    point at a missing value. ``page_size`` is a whole number from 1 to ``max_page_size``;
    another value is a 400 that names it (DRF would silently use the default instead), an
    empty one means the default, as an empty filter means none.
    """

    ordering = ("-sort_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        size = int(value) if _WHOLE_NUMBER.fullmatch(value) and len(value) < 10 else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Enter a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def decode_cursor(self, request):
        """DRF reads a cursor's position as any text, and the query would fail on one that is
        not a time (a server error): such a cursor is not one of ours, a 404 like any other."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                moment = forms.DateTimeField().clean(cursor.position)
                moment.astimezone(dt.UTC)
            except (forms.ValidationError, OverflowError, ValueError, TypeError):
                raise NotFound(self.invalid_cursor_message) from None
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
        return parameters


class WorkflowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workflow
        fields = ["workflow_id", "name"]


class LabelledRecords(serializers.ListSerializer):
    """A page of records whose intentions' labels are read at once (a query per account)."""

    def to_representation(self, data):
        return super().to_representation(records_label(self.child.record_kind, data))


class RecordSerializer(ContactDetailsMaskingMixin, serializers.ModelSerializer):
    """A call or chat session in a list: its workflow nested, customer details masked for most
    users (``phone_fields``, ``name_fields``), ``url``, its detail (see ``record_url``), and
    ``intention_label``, the account's word for its intention code (``record_kind``'s labels).
    Its ``Meta`` names ``LabelledRecords`` as ``list_serializer_class``."""

    record_kind = ""
    workflow = WorkflowSerializer(read_only=True)
    intention_label = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "description": "The account's label of the code"})
    def get_intention_label(self, record) -> str:
        if not hasattr(record, "intention_label"):
            records_label(self.record_kind, [record])
        return record.intention_label


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
    schema = ApiSchema()
    permission_classes = [ModelViewPermissions]
    pagination_class = NewestFirstPagination
    serializer_classes: tuple[type[serializers.Serializer], ...] = ()
    sort_fields: tuple[str, str] = ()
    detail_prefetch: tuple = ()

    # Query parameters besides the FilterSet's: the cursor, the page size, DRF's format.
    list_parameters = ("cursor", "page_size", "format")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            known = {*self.filterset_class.base_filters, *self.list_parameters}
            refuse_unknown(request.query_params, known, LIST_UNKNOWN)

    def get_queryset(self):
        model = self.filterset_class._meta.model
        records = model.objects.select_related("workflow").annotate(
            sort_at=Coalesce(*self.sort_fields)
        )
        if self.action == "retrieve":
            records = records.prefetch_related(*self.detail_prefetch)
        return visible(records, self.request.user)

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
