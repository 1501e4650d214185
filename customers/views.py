"""The customer history page, in the admin's frame: what support staff open from a record."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from calls_app.models import CallResult
from privacy.audit import ERASE_PERMISSION, Action, audit_record
from privacy.masking import can_view_contact_details, mask_phone
from sessions_app.models import ChatSession

from .selectors import HISTORY_LIMIT, customer_history


def _may_view(request, model) -> bool:
    opts = model._meta
    return any(
        request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def _record_id(value: str) -> int:
    """A record's id from the query string; anything else is no record (404), not an error."""
    if not value.isdigit():
        raise Http404("no such record")
    return int(value)


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


def customer_history_view(request):
    """Every call and chat session of a number or case id; each row opens its record.

    Rows are limited to what the user may view: calls, chat sessions, or both.
    """
    may_calls, may_sessions = _may_view(request, CallResult), _may_view(request, ChatSession)
    if not (may_calls or may_sessions):
        raise PermissionDenied
    reveal = can_view_contact_details(request.user)
    # The form posts (CSRF-protected), so the number is in no URL, browser history or access
    # log; ``?phone=`` still works for old links.
    data = request.POST if request.method == "POST" else request.GET
    phone = data.get("phone", "").strip()
    case_id = data.get("case_id", "").strip()
    subject = ""
    if "call" in request.GET:
        if not may_calls:
            raise PermissionDenied
        call = get_object_or_404(CallResult, pk=_record_id(request.GET["call"]))
        phone, case_id = call.callee_number or call.contact_number, call.case_id
        subject = f"call {call.call_id}"
    elif "chat_session" in request.GET:
        if not may_sessions:
            raise PermissionDenied
        session = get_object_or_404(ChatSession, pk=_record_id(request.GET["chat_session"]))
        phone, case_id = session.callee, ""
        subject = f"chat session {session.call_id}"
    rows = customer_history(
        phone=phone, case_id=case_id, calls=may_calls, chat_sessions=may_sessions
    )
    models = {"call": CallResult, "chat session": ChatSession}
    if phone or case_id:
        # Who looked up which customer: the record it was opened from, never the number.
        record = (
            call if "call" in request.GET else session if "chat_session" in request.GET else None
        )
        audit_record(
            user=request.user,
            action=Action.VIEW_CUSTOMER_HISTORY,
            obj=record,
            label=subject or "search",
            request=request,
            details={"rows": len(rows), "unmasked": reveal},
        )
        if reveal and rows:
            audit_record(
                user=request.user,
                action=Action.REVEAL_CONTACT_DETAILS,
                obj=record,
                label=subject or "search",
                request=request,
            )
    erase_params = {k: request.GET[k] for k in ("call", "chat_session") if k in request.GET}
    context = {
        **admin.site.each_context(request),
        "title": "Customer history",
        "subject": subject,
        "phone": phone if reveal or not subject else mask_phone(phone),
        "case_id": case_id,
        "searched": bool(phone or case_id),
        "form_values": {"phone": "" if subject else phone, "case_id": case_id},
        "rows": [
            {
                "row": row,
                "url": _change_url(models[row.kind], row.pk),
                "phone": row.phone if reveal else mask_phone(row.phone),
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
