"""Pages of collections for people: the promises due today (support), the comparison of two
workflows (managers)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from privacy.masking import can_view_contact_details, mask_phone
from privacy.permissions import COMPARE_WORKFLOWS, VIEW_PROMISES
from records.models import Workflow
from records.money import money_text

from .comparison import CompareForm, workflows_compare
from .selectors import DUE_TODAY_LIMIT, promises_due_today


@require_GET
@login_required
@permission_required(VIEW_PROMISES, raise_exception=True)
def due_today(request):
    reveal = can_view_contact_details(request.user)
    rows = [
        {
            "promise": promise,
            "number": promise.customer_number if reveal else mask_phone(promise.customer_number),
            "amount": money_text(promise.amount, promise.currency),
        }
        for promise in promises_due_today(request.user)
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Promises due today",
        "rows": rows,
        "limit": DUE_TODAY_LIMIT,
        "today": timezone.localdate(),
    }
    return render(request, "collections_app/due_today.html", context)


@require_GET
@login_required
@permission_required(COMPARE_WORKFLOWS, raise_exception=True)
def compare(request):
    form = CompareForm(request.GET or None)
    result = workflows_compare(request.user, form.cleaned_data) if form.is_valid() else None
    context = {
        **admin.site.each_context(request),
        "title": "Which workflow works",
        "form": form,
        "result": result,
        "workflows": Workflow.objects.order_by("name", "workflow_id")[:500],
    }
    return render(request, "collections_app/compare.html", context)
