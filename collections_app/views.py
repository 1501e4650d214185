"""Pages of collections for people: the promises due today (support)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from privacy.masking import can_view_contact_details, mask_phone
from privacy.permissions import VIEW_PROMISES

from .money import money_text
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
        "title": "Promises due today",
        "rows": rows,
        "limit": DUE_TODAY_LIMIT,
        "today": timezone.localdate(),
    }
    return render(request, "collections_app/due_today.html", context)
