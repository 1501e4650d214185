"""The CSV export of an admin list: the selected rows, or the whole filtered list by URL."""

import dataclasses

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.urls import path

from privacy.audit import Action, audit_record
from privacy.masking import (
    BUSINESS_KEYS,
    can_view_contact_details,
    mask_free_text,
    record_customer_names,
)
from privacy.permissions import EXPORT_CSV
from records.exports import CsvExport

from .refused import refused_parameters


class CsvExportAdminMixin:
    """CSV export of an admin list, for users with ``integrations.export_csv``.

    Set ``csv_export`` to the model's ``CsvExport`` and add ``"export_csv"`` to ``actions``.
    The action exports the selected rows (or all of them with "select all"); the URL
    ``<changelist>/export-csv/?<the list's query string>`` exports the filtered list as shown,
    with its list filters, FilterSet parameters and search.
    """

    csv_export: CsvExport | None = None

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_CSV) and self.has_view_permission(request)

    def _csv_response(self, request, queryset):
        reveal = can_view_contact_details(request.user)
        audit_record(
            user=request.user,
            action=Action.EXPORT_CSV,
            label=self.csv_export.name,
            request=request,
            details={"unmasked": reveal},
        )
        lookups = getattr(self, "customer_name_lookups", ())
        export = self.csv_export if reveal else free_text_masked(self.csv_export, lookups)
        return export.response(queryset, reveal=reveal)

    @admin.action(
        description="Export selected %(verbose_name_plural)s as CSV", permissions=["export"]
    )
    def export_csv(self, request, queryset):
        return self._csv_response(request, queryset)

    def export_csv_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        refused = self.refused_lookups(request) if hasattr(self, "refused_lookups") else {}
        if refused:
            reasons = " ".join(f"“{name}” is not accepted: {why}" for name, why in refused.items())
            return HttpResponseBadRequest(f"Invalid filters: {reasons}", content_type="text/plain")
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            refused = refused_parameters(self, request) or {"filters": "not valid together."}
            reasons = " ".join(f"“{name}”: {reason}" for name, reason in refused.items())
            return HttpResponseBadRequest(f"Invalid filters: {reasons}", content_type="text/plain")
        return self._csv_response(request, changelist.queryset)

    def get_urls(self):
        opts = self.model._meta
        export = path(
            "export-csv/",
            self.admin_site.admin_view(self.export_csv_view),
            name=f"{opts.app_label}_{opts.model_name}_export_csv",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "has_export_permission": self.has_export_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)


def free_text_masked(export: CsvExport, name_lookups=()) -> CsvExport:
    """``export`` whose columns not masked as a whole have the numbers and the customer's name
    in their text masked (``mask_free_text``), as every page shows them."""

    def masked(read):
        def value(row):
            value = read(row)
            if not isinstance(value, str):
                return value
            return mask_free_text(value, record_customer_names(row, name_lookups))

        return value

    columns = tuple(
        column
        if column.mask is not None or column.header in BUSINESS_KEYS
        else dataclasses.replace(column, value=masked(column.value))
        for column in export.columns
    )
    return dataclasses.replace(export, columns=columns)
