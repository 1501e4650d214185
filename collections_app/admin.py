"""The admin of collections: the outcome vocabulary (editable), promises and number health."""

from django.contrib import admin
from django.db import transaction

from .models import Outcome
from .services import outcome_reclassify


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
