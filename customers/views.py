"""The customer history page, in the admin's frame: what support staff open from a record."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from calls_app.models import CallResult
from collections_app.models import Promise
from collections_app.selectors import customer_promises
from privacy.audit import ERASE_PERMISSION, Action, audit_record
from privacy.masking import can_view_contact_details, mask_name, mask_phone
from privacy.permissions import VIEW_PROMISES
from records.money import money_text
from records.phones import phone_key
from sessions_app.models import ChatSession

from .selectors import (
    HISTORY_LIMIT,
    Subject,
    customer_history,
    customer_summary,
    history_subject,
)


def _may_view(request, model) -> bool:
    opts = model._meta
    return any(
        request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def _change_url(model, pk: int) -> str | None:
    """The admin page of a record, or ``None`` when its model has no admin."""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def customer_history_url(
    phone: str = "",
    case_id: str = "",
    *,
    call: CallResult | int | None = None,
    chat_session: ChatSession | int | None = None,
) -> str:
    """The customer history page of a number or case id, or of a call's or session's.

    Prefer ``call``/``chat_session``: the page then reads the number and case id from the record,
    so the customer's number is not written into a URL (browser history, access logs) and is
    shown masked to staff who may not see it.
    """
    params = {}
    if call is not None:
        params["call"] = getattr(call, "pk", call)
    if chat_session is not None:
        params["chat_session"] = getattr(chat_session, "pk", chat_session)
    if phone:
        params["phone"] = phone
    if case_id:
        params["case_id"] = case_id
    url = reverse("customers:history")
    return f"{url}?{urlencode(params)}" if params else url


def _audit(request, subject: Subject, rows: list, reveal: bool) -> None:
    """Who looked up which customer: the record it was opened from, never the number."""
    actions = {Action.VIEW_CUSTOMER_HISTORY: {"rows": len(rows), "unmasked": reveal}}
    if reveal and rows:
        actions[Action.REVEAL_CONTACT_DETAILS] = {}
    for action, details in actions.items():
        audit_record(
            user=request.user,
            action=action,
            obj=subject.record,
            label=subject.label or "search",
            request=request,
            details=details,
        )


def _masked(value: str, reveal: bool, mask=mask_phone) -> str:
    return value if reveal or not value else mask(value)


def _promises(user, subject: Subject) -> list[dict]:
    """The customer's standing promises, for those who may see promises."""
    if not user.has_perm(VIEW_PROMISES):
        return []
    found = customer_promises(user, number_key=phone_key(subject.phone), case_id=subject.case_id)
    return [
        {
            "promise": promise,
            "amount": money_text(promise.amount, promise.currency),
            "status": Promise.Status(promise.status).label,
        }
        for promise in found
    ]


def customer_history_view(request):
    """A customer's page: who (masked by permission), what they owe, and every call and chat
    session they may see, newest first, each opening its record."""
    may_calls, may_sessions = _may_view(request, CallResult), _may_view(request, ChatSession)
    if not (may_calls or may_sessions):
        raise PermissionDenied
    reveal = can_view_contact_details(request.user)
    # The form posts (CSRF-protected), so a typed number is in no URL, history or access log.
    data = request.POST if request.method == "POST" else request.GET
    subject = history_subject(
        {**data.dict(), **request.GET.dict()}, may_calls=may_calls, may_sessions=may_sessions
    )
    rows = customer_history(
        phone=subject.phone,
        case_id=subject.case_id,
        calls=may_calls,
        chat_sessions=may_sessions,
        user=request.user,
    )
    if subject.phone or subject.case_id:
        _audit(request, subject, rows, reveal)
    summary = customer_summary(rows) if may_calls else None
    erase_params = {k: request.GET[k] for k in ("call", "chat_session") if k in request.GET}
    models = {"call": CallResult, "chat session": ChatSession}
    context = {
        **admin.site.each_context(request),
        "title": "Customer history",
        "subject": subject.label,
        "phone": _masked(subject.phone, reveal or not subject.label),
        "case_id": subject.case_id,
        "searched": bool(subject.phone or subject.case_id),
        "form_values": {
            "phone": "" if subject.label else subject.phone,
            "case_id": subject.case_id,
        },
        "summary": summary,
        "promises": _promises(request.user, subject),
        "name": _masked(summary.name, reveal, mask_name) if summary else "",
        "numbers": [_masked(n, reveal) for n in summary.numbers] if summary else [],
        "rows": [
            {
                "row": row,
                "url": _change_url(models[row.kind], row.pk),
                "phone": _masked(row.phone, reveal),
            }
            for row in rows
        ],
        "limit_reached": len(rows) >= HISTORY_LIMIT,
        "erase_url": (
            f"{reverse('customers:erase')}?{urlencode(erase_params)}"
            if erase_params and request.user.has_perm(ERASE_PERMISSION)
            else None
        ),
    }
    return TemplateResponse(request, "customers/history.html", context)
