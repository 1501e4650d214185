"""What the home page reads: one search over customers, calls and chats; today's numbers; the
failed deliveries that need someone. Each part reads only what its user may see."""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from calls_app.models import CallResult
from integrations.models import WebhookEvent
from operations.inbox import failures_by_error
from privacy.masking import can_view_contact_details, mask_name, mask_phone
from records.phones import is_phone_term, phone_key
from records.scope import visible
from records.search import bound_search_term, search_words
from sessions_app.models import ChatSession
from staff.services import staff_account_ids

SEARCH_LIMIT = 10
CUSTOMER_LIMIT = 6


@dataclass(frozen=True)
class RecordHit:
    """A call or chat found: its title as its own page gives it (masked by permission)."""

    title: str
    workflow: str
    url: str
    customer_url: str
    answered: bool | None = None


@dataclass(frozen=True)
class CustomerHit:
    name: str
    number: str
    case_id: str
    calls: int
    chats: int
    url: str


@dataclass
class SearchResults:
    term: str
    customers: list[CustomerHit] = field(default_factory=list)
    calls: list[RecordHit] | None = None  # None: the user may not see calls
    chats: list[RecordHit] | None = None
    more_calls_url: str = ""
    more_chats_url: str = ""

    @property
    def empty(self) -> bool:
        return not (self.customers or self.calls or self.chats)


def _found(request, model, term: str):
    """The records the model's admin list would find for ``term``, newest first, or ``None``:
    the same permission, accounts, masking and search as that list."""
    model_admin = admin.site.get_model_admin(model)
    if not model_admin.has_view_permission(request):
        return None, []
    records = model_admin.get_queryset(request)
    records, _ = model_admin.get_search_results(request, records, term)
    return model_admin, list(records.select_related("workflow")[: SEARCH_LIMIT + 1])


def _record_url(model, pk: int, term: str, reveal: bool) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    if is_phone_term(term) or not search_words(term, masked=not reveal):
        return url
    return f"{url}?{urlencode({'q': term})}#search-hit"  # opens at the words, as lists do


def _list_url(model, term: str) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode({'q': term})}"


def _history_url(param: str, pk: int) -> str:
    # By the record, never the number: no customer number in a URL.
    return f"{reverse('customers:history')}?{urlencode({param: pk})}"


def _customers(calls: list, chats: list, term: str, reveal: bool) -> list[CustomerHit]:
    """The customers of the records found, once each: by the number searched for when there is
    one (a call's dialled or uploaded number may be it), else by number key or case id."""
    searched = phone_key(term) if is_phone_term(term) else ""
    found: dict[str, dict] = {}

    def entry(key: str, url: str) -> dict:
        blank = {"name": "", "number": "", "case_id": "", "calls": 0, "chats": 0, "url": url}
        return found.setdefault(key, blank)

    for call in calls:
        numbers = {call.callee_number_key: call.callee_number}
        numbers.setdefault(call.contact_number_key, call.contact_number)
        key = searched if searched in numbers else next((k for k in numbers if k), "")
        customer = entry(key or f"case:{call.case_id}", _history_url("call", call.pk))
        customer["calls"] += 1
        customer["name"] = customer["name"] or call.callee_name
        customer["number"] = customer["number"] or numbers.get(key, "")
        customer["case_id"] = customer["case_id"] or call.case_id
    for session in chats:
        customer = entry(
            session.callee_key or f"chat:{session.pk}", _history_url("chat_session", session.pk)
        )
        customer["chats"] += 1
        customer["number"] = customer["number"] or session.callee
    customers = []
    for values in list(found.values())[:CUSTOMER_LIMIT]:
        if not reveal:
            values["name"] = mask_name(values["name"]) if values["name"] else ""
            values["number"] = mask_phone(values["number"]) if values["number"] else ""
        customers.append(CustomerHit(**values))
    return customers


def home_search(request, term: str) -> SearchResults:
    """Customers, calls and chats for one term: a number however written, a name, a case or
    call id, or words said in a conversation, found by each list's own search."""
    term = bound_search_term(term)[0]
    results = SearchResults(term=term)
    if not term:
        return results
    reveal = can_view_contact_details(request.user)
    found = {}
    for model, param in ((CallResult, "call"), (ChatSession, "chat_session")):
        model_admin, rows = _found(request, model, term)
        found[model] = rows[:SEARCH_LIMIT]
        if model_admin is None:
            continue
        hits = [
            RecordHit(
                title=model_admin.record_title(row, reveal=reveal),
                workflow=str(row.workflow),
                url=_record_url(model, row.pk, term, reveal),
                customer_url=_history_url(param, row.pk),
                answered=getattr(row, "answered", None),
            )
            for row in rows[:SEARCH_LIMIT]
        ]
        more = _list_url(model, term) if len(rows) > SEARCH_LIMIT else ""
        if model is CallResult:
            results.calls, results.more_calls_url = hits, more
        else:
            results.chats, results.more_chats_url = hits, more
    results.customers = _customers(found[CallResult], found[ChatSession], term, reveal)
    return results


@dataclass(frozen=True)
class Today:
    calls: int
    answered: int
    chats: int

    @property
    def answered_percent(self) -> int | None:
        return round(100 * self.answered / self.calls) if self.calls else None


def today_figures(user) -> Today:
    """Today's calls, answered calls and chats, since midnight in the user's time zone."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    calls = visible(CallResult.objects.filter(started_at__gte=midnight), user).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    chats = visible(ChatSession.objects.filter(ended_at__gte=midnight), user).count()
    return Today(calls=calls["total"], answered=calls["answered"], chats=chats)


@dataclass(frozen=True)
class Failures:
    failed: int
    last_day: int
    errors: list[dict]  # the most frequent first lines, for users who see every account


def failed_deliveries(user) -> Failures:
    """Deliveries whose processing failed, for those who may see events: a fix, then "process
    again", is someone's job."""
    failed = visible(WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED), user)
    since = timezone.now() - timedelta(hours=24)
    total = failed.count()
    errors = failures_by_error(limit=3) if total and staff_account_ids(user) is None else []
    return Failures(
        failed=total, last_day=failed.filter(last_received_at__gte=since).count(), errors=errors
    )
