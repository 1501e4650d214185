"""Every date-time of a record in one format with its zone, the account's time beside it."""

from django.db import models

from records.display import times_text


def _time_display(model, name: str):
    field = model._meta.get_field(name)

    def display(obj):
        value = getattr(obj, name)
        return times_text(value, getattr(obj, "time_zone", None)) if value else "-"

    display.short_description = field.verbose_name
    display.admin_order_field = name
    return display


class TimesAdminMixin:
    """Every date-time field of the model, in the list and on the change page, in the project's
    one format with its zone (``2025-04-15 06:41:09 UTC``), the account's time beside it where
    the record has a zone of its own that reads differently (``records.display``)."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._time_names = {}
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField):
                shown = f"time_of_{field.name}"
                setattr(self, shown, _time_display(model, field.name))
                self._time_names[field.name] = shown

    def _times(self, names):
        return [self._time_names.get(n, n) if isinstance(n, str) else n for n in names]

    def get_list_display(self, request):
        return self._times(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        return self._times(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        swapped = []
        for title, options in super().get_fieldsets(request, obj):
            fields = [
                tuple(self._times(f)) if isinstance(f, list | tuple) else self._times([f])[0]
                for f in options.get("fields", ())
            ]
            swapped.append((title, {**options, "fields": fields}))
        return swapped
