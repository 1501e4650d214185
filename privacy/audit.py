"""The audit log: who revealed, read, exported or erased customers' data, when and from where.

``audit_record`` appends one ``AuditEntry``. It is called where personal data is shown or leaves
the system: a call's or chat session's page and API detail (``view_transcript``, and
``reveal_contact_details`` for those who see the customer's details unmasked), the customer
history, every CSV export and each erasure. An entry never holds the personal data itself: the
record is named by content type, id and a label such as its call id.

Entries cannot be changed or deleted, in the admin or through the ORM (``AuditEntry.save``,
``delete`` and the queryset's ``delete`` refuse); they are read with
``integrations.view_auditentry``, which the "Privacy officers" group holds.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from privacy.models import AuditEntry

Action = AuditEntry.Action
VIEW_PERMISSION = "integrations.view_auditentry"
ERASE_PERMISSION = "integrations.erase_customer"


def _ip(request) -> str | None:
    """The client's address as the server saw it (behind a proxy: the proxy's own, unless the
    proxy sets ``REMOTE_ADDR``); a forwarded header is the client's claim, not evidence."""
    value = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    return value or None


def audit_record(
    *,
    user,
    action: str,
    obj: Any = None,
    label: str = "",
    request=None,
    details: dict | None = None,
    username: str = "",
) -> AuditEntry:
    """Append one entry. ``label`` (default: ``str(obj)``, a call id) must not be personal.

    ``request`` gives the address and the path (never its query string, which may carry a
    number); ``username`` names an actor without an account (``manage.py erase_customer``).
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    entry = AuditEntry(
        user=user if authenticated else None,
        username=(user.get_username() if authenticated else "") or username,
        action=action,
        label=(label or (str(obj) if obj is not None else ""))[:255],
        ip_address=_ip(request),
        path=(request.path if request is not None else "")[:500],
        details=details or {},
    )
    if obj is not None and getattr(obj, "pk", None) is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
    entry.save()
    return entry


def audit_record_view(*, request, obj, revealed: bool) -> None:
    """A record's page (admin or API) was opened: its transcript read, and its customer's details
    seen unmasked when ``revealed``."""
    account = {"account": getattr(obj, "endpoint_id", None)}  # whose customer it was
    actions = [Action.VIEW_TRANSCRIPT, *([Action.REVEAL_CONTACT_DETAILS] if revealed else [])]
    for action in actions:
        audit_record(user=request.user, action=action, obj=obj, request=request, details=account)
