"""The groups ``manage.py setup_roles`` creates, and the service that makes them so.

Each group gets exactly the permissions below, every time: running it again repairs a group
that was changed by hand. No group sees customer details unmasked: that is
``integrations.view_contact_details``, given to people one by one (or through the
"Customer details" group, which holds only that).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

SUPPORT = [
    "sessions_app.view_chatsession",
    "sessions_app.view_chatmessage",
    "calls_app.view_callresult",
    "calls_app.view_transcriptturn",
    "calls_app.view_callanswer",
    "calls_app.view_redial",
    "calls_app.view_nodepush",
    "integrations.view_workflow",
    "collections_app.view_promise",
    "collections_app.view_numberhealth",
    "collections_app.view_outcome",
]
# Comparing workflows is part of the dashboard (its permission). Each account's outcome
# vocabulary and slot names are account configuration: superusers and ``label_intention``.
MANAGERS = [*SUPPORT, "dashboard.view_dashboard", "integrations.export_csv"]
INTEGRATORS = [
    "integrations.view_webhookendpoint",
    "integrations.add_webhookendpoint",
    "integrations.change_webhookendpoint",
    "integrations.view_webhookevent",
    "integrations.process_webhookevent",
    "integrations.view_workflow",
]
CUSTOMER_DETAILS = ["integrations.view_contact_details"]
# The audit log (who saw, exported or erased customers' data) and erasure on request.
PRIVACY_OFFICERS = ["integrations.view_auditentry", "integrations.erase_customer"]

ROLES: dict[str, list[str]] = {
    "Support": SUPPORT,
    "Managers": MANAGERS,
    "Integrators": INTEGRATORS,
    "Customer details": CUSTOMER_DETAILS,
    "Privacy officers": PRIVACY_OFFICERS,
}


class MissingPermission(LookupError):
    """A role names a permission that does not exist (migrations not run, or a typo)."""


def _permissions(names: Iterable[str]) -> dict[str, Permission]:
    """Each named permission (``app_label.codename``), read in one query."""
    wanted = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    for name in names:
        if name not in found:
            raise MissingPermission(f"permission {name!r} does not exist; run migrate first")
    return found


@transaction.atomic
def roles_setup() -> dict[str, tuple[bool, int]]:
    """Create or repair every group; returns, per group, whether it was new and its size."""
    every = _permissions({name for names in ROLES.values() for name in names})
    held: dict[str, set[int]] = {name: set() for name in ROLES}
    through = Group.permissions.through.objects.filter(group__name__in=ROLES)
    for group_name, permission_id in through.values_list("group__name", "permission_id"):
        held[group_name].add(permission_id)
    result = {}
    for name, permission_names in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = [every[permission] for permission in permission_names]
        if created or held[name] != {permission.pk for permission in wanted}:  # else it holds them
            group.permissions.set(wanted)
        result[name] = (created, len(permission_names))
    return result


# Roles one signs in to the admin with; "Customer details" only adds to one of them.
STAFF_ROLES = ["Support", "Managers", "Integrators", "Privacy officers"]


@transaction.atomic
def staff_user_create(*, username: str, role: str, contact_details: bool = False) -> tuple:
    """A user of ``role`` who can sign in at once; returns the user and its generated password.

    The groups are set up first (as ``setup_roles`` does), so a fresh install needs nothing
    else. The password is random and shown once by the caller.
    """
    import secrets

    from django.contrib.auth import get_user_model

    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    roles_setup()
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True)
    names = [role, *(["Customer details"] if contact_details else [])]
    user.groups.set(Group.objects.filter(name__in=names))
    return user, password


def staff_status_follows_roles(sender, instance, action, pk_set, **kwargs) -> None:
    """A user given a staff role through the admin's user form can sign in without anyone
    also ticking "Staff status" (Django's admin lets only staff in)."""
    if action != "post_add" or instance.is_staff or not pk_set:
        return
    if Group.objects.filter(pk__in=pk_set, name__in=STAFF_ROLES).exists():
        type(instance).objects.filter(pk=instance.pk).update(is_staff=True)
        instance.is_staff = True
