"""The admin page that erases a customer's data: reached from the customer history, or opened
with a number. It shows what would be removed (a dry run) and removes it on confirmation.

Needs ``integrations.erase_customer``. The number comes from the record the page is opened from
(``?call=…`` / ``?chat_session=…``) or from the form's POST body, never from a URL.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from calls_app.models import CallResult
from privacy.audit import ERASE_PERMISSION
from privacy.masking import can_view_contact_details, mask_phone
from sessions_app.models import ChatSession

from .erasure import ErasureError, customer_erase
from .selectors import record_id as _record_id


def _phone_from(request) -> str:
    source = request.POST if request.method == "POST" else request.GET
    if source.get("call"):
        call = get_object_or_404(CallResult, pk=_record_id(source["call"]))
        return call.callee_number or call.contact_number
    if source.get("chat_session"):
        session = get_object_or_404(ChatSession, pk=_record_id(source["chat_session"]))
        return session.callee
    return request.POST.get("phone", "").strip() if request.method == "POST" else ""


def customer_erase_view(request):
    if not request.user.has_perm(ERASE_PERMISSION):
        raise PermissionDenied
    phone = _phone_from(request)
    source = request.POST if request.method == "POST" else request.GET
    report, error = None, ""
    if phone:
        try:
            confirmed = request.method == "POST" and source.get("confirm") == "yes"
            report = customer_erase(
                phone=phone, dry_run=not confirmed, user=request.user, request=request
            )
        except ErasureError as exc:
            error = str(exc)
        if report is not None and not report.dry_run:
            messages.success(
                request,
                f"Erased {report.total} row(s) held about customer {report.subject_hash[:12]}.",
            )
            return HttpResponseRedirect(reverse("customers:erase"))
    context = {
        **admin.site.each_context(request),
        "title": "Erase a customer's data",
        "phone": phone if can_view_contact_details(request.user) else mask_phone(phone),
        "report": report,
        "error": error,
        "hidden": {name: source[name] for name in ("call", "chat_session") if source.get(name)},
        "typed_phone": phone if request.method == "POST" and "phone" in request.POST else "",
    }
    return TemplateResponse(request, "customers/erase.html", context)
