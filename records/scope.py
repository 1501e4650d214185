"""Least access per account: a user sees the records of the AI Rudder accounts they are given.

Every reading surface narrows its records here (admin lists and pages, the API, the dashboard,
exports, customer history, search); superusers and users given no account see every account.
"""

from django.db.models import QuerySet

from staff.services import staff_account_ids


def visible(queryset: QuerySet, user, *, account: str = "endpoint") -> QuerySet:
    """``queryset`` narrowed to the accounts ``user`` may see (``account``: the field)."""
    ids = staff_account_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{account}__in": ids})
