"""Filter values a list cannot apply: no records shown, and the parameter named with why."""

import copy

from django.contrib.admin.options import IncorrectLookupParameters
from django.http import QueryDict

# The admin's own query parameters, never a filter (search, ordering, page, popups, …).
_ADMIN_PARAMETERS = {"q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters"}


def refused_parameters(model_admin, request) -> dict[str, str]:
    """Each query parameter the list refuses on its own, with the reason."""
    refused = {}
    for name in request.GET:
        if name in _ADMIN_PARAMETERS:
            continue
        alone = copy.copy(request)
        alone.GET = QueryDict(mutable=True)
        alone.GET.setlist(name, request.GET.getlist(name))
        try:
            model_admin.get_changelist_instance(alone)
        except IncorrectLookupParameters as exc:
            refused[name] = " ".join(str(exc).split()) or "not a filter of this list"
    return refused
