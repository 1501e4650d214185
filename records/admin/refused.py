"""Filter values a list cannot apply: no records shown, and the parameter named with why."""

import copy

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import QueryDict

# The admin's own query parameters, never a filter (search, ordering, page, popups, …).
_ADMIN_PARAMETERS = {"q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters"}


def refused_parameters(model_admin, request) -> dict[str, str]:
    """Each query parameter the list refuses on its own, with the reason in plain words."""
    refused = {}
    for name in request.GET:
        if name in _ADMIN_PARAMETERS or name.startswith("_"):
            continue
        alone = copy.copy(request)
        alone.GET = QueryDict(mutable=True)
        alone.GET.setlist(name, request.GET.getlist(name))
        try:
            model_admin.get_changelist_instance(alone)
        except IncorrectLookupParameters as exc:
            refused[name] = refusal_reason(model_admin.model, name, request.GET.getlist(name), exc)
    return refused


def refusal_reason(model, name: str, values: list[str], exc: Exception) -> str:
    """``answered__exact=maybe is not yes or no …``: Django's own message is a Python list
    (``['“maybe” value must be either True or False.']``), which names neither."""
    given = f"{name}={','.join(values)}"
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__
    if isinstance(cause, FieldDoesNotExist):
        return f"{name} is not a filter of this list."
    if isinstance(cause, ValidationError):
        if isinstance(_field(model, name), models.BooleanField):
            return f"{given} is not yes or no: use 1 for yes, 0 for no."
        return f"{given} cannot be read: {' '.join(cause.messages)}"
    if isinstance(cause, ValueError):
        return f"{given} is not a value this filter can read."
    text = " ".join(str(exc).replace("*", " ").split())
    return f"{given} cannot be read: {text}" if text else f"{given} cannot be read."


def _field(model, name: str):
    """The field a lookup parameter reads, or ``None``."""
    path = name.split("__")
    while path:
        try:
            return get_fields_from_path(model, "__".join(path))[-1]
        except Exception:  # FieldDoesNotExist, NotRelationField: a lookup or transform left
            path = path[:-1]
    return None
