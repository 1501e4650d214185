"""Login lockout (django-axes): who is refused, what they are shown, what the audit log keeps.

Settings in ``config/settings.py`` (``AXES_*``), documented in ``docs/operations.md``. A username
that looks like a phone number (someone typed a customer's) is never stored, logged or audited
as typed: axes keys its attempts by a keyed hash of it instead.
"""

import re

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from privacy.audit import Action, audit_record
from privacy.masking import mask_text

TEMPLATE = "admin/login_locked_out.html"
_DIGIT = re.compile(r"\d")


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' check, for logins made over HTTP (the admin's form passes its request).

    ``authenticate()`` without a request (the test client's ``login``, a shell) is not a login
    anyone can repeat from outside: it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def looks_like_phone_number(value: str) -> bool:
    """Seven digits or more, or a number libphonenumber finds (the masking's own rule)."""
    return len(_DIGIT.findall(value)) >= 7 or mask_text(value) != value


def attempt_username(request, credentials: dict | None = None) -> str | None:
    """The username axes stores and keys attempts by: as typed, or a keyed hash if phone-like."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if username and looks_like_phone_number(str(username)):
        digest = salted_hmac("privacy.lockout", str(username), algorithm="sha256").hexdigest()
        return f"withheld:{digest[:16]}"
    return username


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """The page a locked-out login gets (429): for how long, and whom to ask."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Login locked",
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "failure_limit": get_failure_limit(request, credentials),
    }
    return render(request, TEMPLATE, context, status=429)


def lockout_audit(sender, request, username, ip_address, **kwargs) -> None:
    """One audit entry when a lockout begins (not for each refused attempt during it)."""
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != limit:
        return
    cool_off = get_cool_off(request)
    withheld = not username or str(username).startswith("withheld:")
    user = None
    if not withheld:
        user = (
            get_user_model()
            ._default_manager.filter(**{get_user_model().USERNAME_FIELD: username})
            .first()
        )
    audit_record(
        user=user,
        action=Action.LOGIN_LOCKED_OUT,
        request=request,
        username="" if withheld else str(username)[:150],
        label=f"{limit} failed logins",
        details={
            "failure_limit": limit,
            "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
            "username_withheld": withheld,
        },
    )
