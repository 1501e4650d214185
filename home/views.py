"""The home page: search first, then what today looks like and what needs someone."""

from django.contrib import admin
from django.template.response import TemplateResponse

from privacy.permissions import VIEW_DASHBOARD, VIEW_EVENTS

from .selectors import failed_deliveries, home_search, today_figures


def home(request):
    """``/``: one search box over customers, calls and chats; numbers and failures by role."""
    term = request.GET.get("q", "").strip()
    user = request.user
    context = {
        **admin.site.each_context(request),
        "title": "Search",
        "term": term,
        "results": home_search(request, term) if term else None,
        "today": today_figures(user) if user.has_perm(VIEW_DASHBOARD) else None,
        "failures": failed_deliveries(user) if user.has_perm(VIEW_EVENTS) else None,
    }
    return TemplateResponse(request, "home/index.html", context)
