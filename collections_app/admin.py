"""The admin of collections: the outcome vocabulary (editable), promises and number health."""

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from records.admin.record import RecordAdmin
from records.money import money_text

from .exports import NUMBERS_CSV, PROMISES_CSV
from .models import NumberHealth, Outcome, Promise, SlotNames
from .numbers import health_q, with_health
from .promises import due_within_q, status_q, with_status
from .services import outcome_reclassify, promises_reread


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    """Each account's intentions and event labels, as people correct them."""

    list_display = ["code", "label", "group", "right_party", "kind", "endpoint", "variants"]
    list_filter = ["endpoint", "kind", "group", "right_party"]
    list_editable = ["label", "group", "right_party"]
    search_fields = ["code", "label"]
    readonly_fields = ["endpoint", "kind", "code", "variants", "first_seen_at"]
    list_select_related = ["endpoint"]

    def has_add_permission(self, request):
        return False  # seeded from AI Rudder, or ``manage.py label_intention``

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            transaction.on_commit(lambda: outcome_reclassify(obj))


@admin.register(SlotNames)
class SlotNamesAdmin(admin.ModelAdmin):
    """Which slots carry a promised date and amount, per account (empty: the defaults)."""

    list_display = ["endpoint", "date_slots", "amount_slots"]
    list_select_related = ["endpoint"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: promises_reread(obj.endpoint_id))


class NowFilter(admin.SimpleListFilter):
    """A filter on a value computed now rather than stored: its choices and each one's condition."""

    options: list = []
    condition = None

    def lookups(self, request, model_admin):
        return self.options

    def queryset(self, request, queryset):
        return queryset.filter(type(self).condition(self.value())) if self.value() else queryset


def _source_link(row) -> str:
    """The call or chat session a row is about, linked to its page."""
    if row.call_result_id:
        url = reverse("admin:calls_app_callresult_change", args=[row.call_result_id])
    elif row.chat_session_id:
        url = reverse("admin:sessions_app_chatsession_change", args=[row.chat_session_id])
    else:
        return row.call_id
    return format_html('<a href="{}">{}</a>', url, row.get_source_display())


class ComputedRowsAdmin(RecordAdmin):
    """Rows the app computes from calls and sessions: read-only, exported as CSV."""

    actions = ["export_csv"]
    contact_phone_fields = ("customer_number",)
    with_now = None  # annotates the values computed now (``status``, ``health``)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return type(self).with_now(rows) if type(self).with_now else rows

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        """Never deleted alone (the record pages offer no Delete), but with its call or chat
        session by whoever may delete that, so the row never blocks the record's deletion."""
        if obj is None or not hasattr(obj, "call_result_id"):
            return False
        source = obj.call_result if obj.call_result_id else obj.chat_session
        return source is not None and request.user.has_perm(
            f"{source._meta.app_label}.delete_{source._meta.model_name}"
        )


class PromiseStatusFilter(NowFilter):
    """Status as of now, in each account's zone (``collections_app.promises``)."""

    title = parameter_name = "status"
    options, condition = Promise.Status.choices, status_q


class PromiseSoonFilter(NowFilter):
    """Open promises falling due in the next seven days of each account (the dashboard's link)."""

    title, parameter_name = "falls due", "due"
    options = [("week", "In the next 7 days")]

    @staticmethod
    def condition(value):
        return due_within_q(7)


class HealthFilter(NowFilter):
    """Health under the current thresholds (``collections_app.numbers``)."""

    title = parameter_name = "health"
    options, condition = NumberHealth.Health.choices, health_q


@admin.register(Promise)
class PromiseAdmin(ComputedRowsAdmin):
    """ "Promises": every promise to pay, its status now, exported as CSV."""

    list_display = [
        "made_at", "customer_number", "case_id", "workflow", "endpoint", "promised_date",
        "amount_text", "status_text", "source_link",
    ]  # fmt: skip
    list_filter = [
        PromiseStatusFilter,
        PromiseSoonFilter,
        "promised_date",
        ("workflow", admin.RelatedFieldListFilter),
        ("endpoint", admin.RelatedFieldListFilter),
    ]
    list_select_related = ["workflow", "endpoint"]
    sortable_by = ["made_at"]
    search_fields = ["call_id", "case_id"]
    csv_export, with_now = PROMISES_CSV, with_status

    @admin.display(description="amount")
    def amount_text(self, promise):
        text = money_text(promise.amount, promise.currency)
        return f"{text} (owing)" if text and promise.amount_is_owing else text

    @admin.display(description="status")
    def status_text(self, promise):
        return Promise.Status(promise.status).label

    @admin.display(description="made in")
    def source_link(self, promise):
        return _source_link(promise)


@admin.register(NumberHealth)
class NumberHealthAdmin(ComputedRowsAdmin):
    """Number health: which numbers to stop calling, exported as CSV to clean a contact list."""

    list_display = [
        "customer_number", "endpoint", "attempts", "answered", "right_party_contacts",
        "days_called", "last_called_at", "last_outcome", "health_text", "patterns",
    ]  # fmt: skip
    list_filter = [HealthFilter, "last_outcome", ("endpoint", admin.RelatedFieldListFilter)]
    list_select_related = ["endpoint"]
    sortable_by = ["last_called_at"]
    csv_export, with_now = NUMBERS_CSV, with_health

    @admin.display(description="health")
    def health_text(self, number):
        return NumberHealth.Health(number.health).label

    @admin.display(description="ring / hang-up")
    def patterns(self, number):
        def top(counts):
            return ", ".join(f"{k} {v}" for k, v in list(counts.items())[:3])

        return f"{top(number.ring_types)} / {top(number.hangup_types)}"
