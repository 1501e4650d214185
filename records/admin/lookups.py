"""Which URL lookups an admin list takes: none that can match part of a masked value.

Django's admin takes any lookup on the model's own fields (``?callee_number__startswith=+628``,
``__regex``): to a user who sees numbers and names masked, that is an oracle, a masked number
read digit by digit from the count. Such a user filters by the FilterSets' parameters
(``callee`` matches a whole number's key), by fields that hold no customer detail, and by
relations only through their keys. Any other lookup, or one naming no field, is refused with a
400 that names it, before any query runs.
"""

from django.contrib.admin.views.main import IGNORED_PARAMS
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.template import engines
from django.template.response import TemplateResponse

from privacy.masking import can_view_contact_details

# The admin's own query parameters, never a lookup (search, ordering, page, popups, …).
ADMIN_PARAMETERS = {*IGNORED_PARAMS, "p", "e", "_changelist_filters"}

MASKED_REASON = (
    "it would compare part of a customer's number or name, which you see masked. "
    "Find a customer by the whole number (search, or callee=…)."
)
UNKNOWN_REASON = "it is not a filter of this list."

_PAGE = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}{% block content %}
<ul class="messagelist">{% for name, reason in refused %}
<li class="error">The filter “{{ name }}” is not accepted: {{ reason }}</li>{% endfor %}</ul>
<p><a href="{{ list_url }}">Open the list without it</a></p>{% endblock %}"""
)


class ContactLookupsAdminMixin:
    """``lookup_allowed`` and ``refused_lookups`` for a list showing masked customer details."""

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and not can_view_contact_details(request.user):
            return self._plain_lookup(lookup, request)
        return super().lookup_allowed(lookup, value, request)

    def refused_lookups(self, request) -> dict[str, str]:
        """Each query parameter this user may not filter by, with why (``{}`` for none)."""
        filterset_names = self._filterset_parameters(request)
        masked = not can_view_contact_details(request.user)
        refused = {}
        for name in request.GET:
            if name in ADMIN_PARAMETERS or name in filterset_names:
                continue
            if not self._names_a_field(name):
                refused[name] = UNKNOWN_REASON
            elif masked and not self._plain_lookup(name, request):
                refused[name] = MASKED_REASON
        return refused

    def refused_lookups_response(self, request, refused: dict[str, str]):
        """A 400 page naming each refused parameter: never a list with another count."""
        kept = request.GET.copy()
        for name in refused:
            kept.pop(name, None)
        query = kept.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "title": "Filter not accepted",
            "refused": sorted(refused.items()),
            "list_url": f"{request.path}?{query}" if query else request.path,
        }
        return TemplateResponse(request, _PAGE, context, status=400)

    # --- what a lookup reads -----------------------------------------------------------------

    def _filterset_parameters(self, request) -> set[str]:
        names = set()
        for item in self.get_list_filter(request):
            filterset = getattr(item, "filterset_class", None)
            if filterset is not None:
                names.update(filterset.base_filters)
            if getattr(item, "parameter_name", None):
                names.add(item.parameter_name)
        return names

    def _names_a_field(self, lookup: str) -> bool:
        try:
            self.model._meta.get_field(lookup.split(LOOKUP_SEP)[0])
        except FieldDoesNotExist:
            return False
        return True

    def _plain_lookup(self, lookup: str, request) -> bool:
        """Whether ``lookup`` reads no customer detail: not a masked column or its key, no
        free text or JSON (numbers and names are said there), a relation only by its key."""
        if lookup in self._filterset_parameters(request):
            return True  # the FilterSet applies it, ``callee`` by a whole number's key
        first, *rest = lookup.split(LOOKUP_SEP)
        masked = {
            *getattr(self, "contact_phone_fields", ()),
            *getattr(self, "contact_name_fields", ()),
            *getattr(self.model, "PHONE_KEY_FIELDS", ()),
        }
        opts = self.model._meta
        if first == "pk":
            first = opts.pk.name
        if first in masked:
            return False
        try:
            field = opts.get_field(first)
        except FieldDoesNotExist:
            return False
        if not field.is_relation:
            free_text = isinstance(field, models.TextField | models.JSONField)
            return not free_text and len(rest) <= 1  # one lookup, no transform chain
        related = field.related_model._meta
        if rest and rest[0] in ("pk", related.pk.name):
            rest = rest[1:]
        return len(rest) <= 1 and not (rest and _is_field(field.related_model, rest[0]))


def _is_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
