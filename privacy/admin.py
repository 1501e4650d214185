"""Admin pieces of privacy: customer details masked by permission, record pages audited."""

from privacy.audit import audit_record_view
from privacy.masking import (
    can_view_contact_details,
    mask_free_text,
    mask_name,
    mask_phone,
    record_customer_names,
)


def _masked_display(model, name: str, mask):
    field = model._meta.get_field(name)

    def display(obj):
        return mask(getattr(obj, name))

    display.short_description = field.verbose_name
    return display  # never sorted: the order of masked values would tell them


def _masked_text_display(model_admin, name: str):
    field = model_admin.model._meta.get_field(name)

    def display(obj):
        lookups = getattr(model_admin, "customer_name_lookups", ())
        return mask_free_text(getattr(obj, name), record_customer_names(obj, lookups))

    display.short_description = field.verbose_name
    return display


class ContactDetailsAdminMixin:
    """Shows ``contact_phone_fields`` and ``contact_name_fields`` masked to users without
    ``integrations.view_contact_details``, in ``list_display`` and in the change page's fields;
    ``contact_text_fields`` (free text) with the numbers and customer's name in them masked.
    """

    contact_phone_fields: tuple[str, ...] = ()
    contact_name_fields: tuple[str, ...] = ()
    contact_text_fields: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._masked_names = {}
        for name in self.contact_text_fields:
            setattr(self, f"masked_{name}", _masked_text_display(self, name))
            self._masked_names[name] = f"masked_{name}"
        for fields, mask in (
            (self.contact_phone_fields, mask_phone),
            (self.contact_name_fields, mask_name),
        ):
            for name in fields:
                masked = f"masked_{name}"
                setattr(self, masked, _masked_display(model, name, mask))
                self._masked_names[name] = masked

    def _swap(self, request, names):
        if can_view_contact_details(request.user):
            return names
        return [
            self._masked_names.get(name, name) if isinstance(name, str) else name for name in names
        ]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return links if links is None else self._swap(request, links)

    def get_readonly_fields(self, request, obj=None):
        return self._swap(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_contact_details(request.user):
            return fieldsets
        swapped = []
        for title, options in fieldsets:
            fields = [
                tuple(self._swap(request, f))
                if isinstance(f, list | tuple)
                else self._swap(request, [f])[0]
                for f in options.get("fields", ())
            ]
            swapped.append((title, {**options, "fields": fields}))
        return swapped


class AuditedChangeViewMixin:
    """A record's page that was shown (not a redirect, a 404 or a refusal) is written to the
    audit log: its transcript, messages or raw body were read, unmasked or not."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and obj is not None:
            audit_record_view(
                request=request, obj=obj, revealed=can_view_contact_details(request.user)
            )
        return response
