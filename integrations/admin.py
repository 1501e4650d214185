"""The webhook inbox in the admin: endpoints to give AI Rudder, the events it delivered, workflows.

Events are evidence of what AI Rudder sent: nobody adds or edits them here. They can be processed
again (after a fix, say), or a failure that can never succeed dismissed with a reason (audited);
both need their own permission, ``integrations.process_webhookevent``.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from integrations import kinds
from integrations.models import WebhookEndpoint, WebhookEvent, Workflow
from integrations.replay import webhook_event_replay
from integrations.services import webhook_endpoint_rotate_secret, webhook_events_dismiss
from privacy.admin import AuditedChangeViewMixin
from privacy.audit import Action, audit_record
from privacy.masking import can_view_contact_details, mask_payload, mask_phone_like
from records.admin.dates import LightDateHierarchyMixin
from records.admin.readonly import ReadOnlyAdminMixin
from records.admin.times import TimesAdminMixin
from records.scope import visible

PROCESS_PERMISSION = "integrations.process_webhookevent"
DISMISS_LISTED = 100  # events named on the dismissal page; all those selected are dismissed


def _pretty_json(text: str) -> str:
    """The body indented for reading; a body that is not JSON is shown as it came.

    Non-ASCII text is shown as itself, except in a body holding a lone surrogate (which no page
    can encode): that one is shown escaped, ``\\ud800``, rather than breaking the page.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return text
    pretty = json.dumps(data, indent=2, ensure_ascii=False)
    try:
        pretty.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, indent=2, ensure_ascii=True)
    return pretty


def _body_html(text: str) -> str:
    """A body as it came, in a box that scrolls when long and that the keyboard can focus."""
    return format_html(
        '<div class="webhook-scroll" tabindex="0"><pre class="webhook-body">{}</pre></div>', text
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(TimesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "timezone", "is_active", "signed", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = [
        "name",
        "timezone",
        "default_country",
        "signing_secret",
        "previous_secret_expires_at",
        "is_active",
        "created_at",
    ]
    readonly_fields = ["previous_secret_expires_at", "created_at"]
    actions = ["rotate_signing_secret"]

    @admin.display(description="signed", boolean=True)
    def signed(self, endpoint: WebhookEndpoint) -> bool:
        return bool(endpoint.signing_secret)

    @admin.action(
        description="Rotate the signing secret (the old one stays valid for 24 hours)",
        permissions=["change"],
    )
    def rotate_signing_secret(self, request, queryset):
        for endpoint in queryset:
            secret = webhook_endpoint_rotate_secret(endpoint=endpoint)
            self.message_user(
                request,
                f"{endpoint.name}: new signing secret {secret} — enter it in AI Rudder; the "
                "previous one is accepted until "
                f"{endpoint.previous_secret_expires_at:%Y-%m-%d %H:%M %Z}."
                if endpoint.previous_secret_expires_at
                else f"{endpoint.name}: signing secret set to {secret}.",
                messages.SUCCESS,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The URLs are built from this request, so they carry the host the admin is reached at.
        if obj is not None and obj.pk:
            urls = obj.webhook_urls(request.build_absolute_uri("/"))
            context["webhook_urls"] = [(kinds.get(kind).label, url) for kind, url in urls.items()]
            context["signed"] = bool(obj.signing_secret)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(WebhookEvent)
class WebhookEventAdmin(LightDateHierarchyMixin, AuditedChangeViewMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "endpoint",
        "status",
        "received_at",
        "delivery_count",
        "attempts",
        "short_error",
    ]
    list_filter = ["status", "kind", "endpoint"]
    list_select_related = ["endpoint"]
    date_hierarchy = "received_at"
    search_fields = ["dedup_key"]
    actions = ["process_again", "dismiss"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "endpoint"),
                    ("status", "attempts"),
                    ("dismiss_reason", "dismissed_at"),
                    ("received_at", "last_received_at", "delivery_count"),
                    "processed_at",
                    ("dedup_key", "remote_addr"),
                ]
            },
        ),
        ("Failure", {"fields": ["error", "traceback_text"]}),
        ("Last processed again", {"fields": ["replay_changes_table"]}),
        ("Delivery", {"fields": ["body_pretty", "headers_table"]}),
    ]
    readonly_fields = [
        "kind",
        "endpoint",
        "status",
        "attempts",
        "received_at",
        "last_received_at",
        "delivery_count",
        "processed_at",
        "dismiss_reason",
        "dismissed_at",
        "dedup_key",
        "remote_addr",
        "error",
        "traceback_text",
        "replay_changes_table",
        "body_pretty",
        "headers_table",
    ]

    def get_queryset(self, request):
        """Operators given some accounts see those accounts' deliveries only."""
        return visible(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_process_permission(self, request) -> bool:
        """Processing again rewrites the records an event made, so it has its own permission;
        the events themselves stay unchangeable, for everyone."""
        return request.user.has_perm(PROCESS_PERMISSION) and self.has_view_permission(request)

    @admin.display(description="error")
    def short_error(self, event: WebhookEvent) -> str:
        return truncatechars(event.error, 80)

    @admin.display(description="body")
    def body_pretty(self, event: WebhookEvent) -> str:
        return _body_html(_pretty_json(event.body_text))

    @admin.display(description="body")
    def body_masked(self, event: WebhookEvent) -> str:
        """The body with customers' numbers and names masked, for staff who may not see them."""
        text = event.body_text
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return _body_html(mask_phone_like(text))
        masked = json.dumps(mask_payload(data))
        return _body_html(_pretty_json(masked))

    def _body_field(self, request, names):
        if can_view_contact_details(request.user):
            return names
        return [("body_masked" if name == "body_pretty" else name) for name in names]

    def get_readonly_fields(self, request, obj=None):
        return self._body_field(request, super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**options, "fields": self._body_field(request, options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description="headers")
    def headers_table(self, event: WebhookEvent) -> str:
        headers = event.headers if isinstance(event.headers, dict) else {}
        if not headers:
            return "-"
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", sorted(headers.items(), key=lambda kv: kv[0])
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description="what changed in its records")
    def replay_changes_table(self, event: WebhookEvent) -> str:
        if not event.replay_changes:
            return "-"
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", event.replay_changes
        )
        return format_html(
            "<table><thead><tr><th></th><th>before</th><th>after</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="traceback")
    def traceback_text(self, event: WebhookEvent) -> str:
        if not event.traceback:
            return "-"
        return format_html(
            '<div class="webhook-scroll" tabindex="0"><pre>{}</pre></div>', event.traceback
        )

    @admin.action(description="Process again", permissions=["process"])
    def process_again(self, request, queryset):
        self._process(request, list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Dismiss failed events (with a reason)", permissions=["process"])
    def dismiss(self, request, queryset):
        """A page asking why first; on its POST, failed events are dismissed, each audited."""
        failed = queryset.filter(status=WebhookEvent.Status.FAILED)
        reason = request.POST.get("dismiss_reason", "").strip()
        if "confirm" not in request.POST or not reason:
            context = {
                **self.admin_site.each_context(request),
                "title": "Dismiss failed events",
                "opts": self.opts,
                "events": failed.order_by("pk")[:DISMISS_LISTED],
                "failed_count": failed.count(),
                "others": queryset.exclude(status=WebhookEvent.Status.FAILED).count(),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "reason_missing": "confirm" in request.POST,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/integrations/webhookevent/dismiss.html", context
            )
        events = webhook_events_dismiss(
            event_ids=list(failed.values_list("pk", flat=True)), reason=reason
        )
        for event in events:
            audit_record(
                user=request.user,
                action=Action.DISMISS_EVENT,
                obj=event,
                request=request,
                details={"reason": reason[:500], "account": event.endpoint_id},
            )
        self.message_user(
            request,
            f"Dismissed {len(events)} failed event(s): they no longer count as failures.",
            messages.SUCCESS,
        )
        return None

    def _process(self, request, event_ids: list[int]) -> None:
        counts: dict[str, int] = {}
        changed = 0
        for event_id in event_ids:
            replay = webhook_event_replay(event_id=event_id)
            status = replay.event.status
            counts[status] = counts.get(status, 0) + 1
            changed += bool(replay.changes)
        summary = ", ".join(
            f"{counts[status]} {label.lower()}"
            for status, label in WebhookEvent.Status.choices
            if status in counts
        )
        failed = counts.get(WebhookEvent.Status.FAILED, 0)
        changes = (
            f" The records of {changed} changed: see each event's page."
            if changed
            else " Their records did not change."
        )
        self.message_user(
            request,
            f"Processed {len(event_ids)} event(s) again: {summary or 'none'}.{changes}",
            messages.WARNING if failed else messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.process_view))
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<int:object_id>/process/", view, name="{}_{}_process".format(*info)),
            *super().get_urls(),
        ]

    def process_view(self, request, object_id: int):
        """The change page's "Process again" button."""
        if not self.has_process_permission(request):
            raise PermissionDenied
        event = get_object_or_404(WebhookEvent, pk=object_id)
        self._process(request, [event.pk])
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[event.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_process"] = self.has_process_permission(request)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _count(relation: str) -> Subquery:
    """How many rows of ``relation`` point at the workflow: a count of the related table's
    workflow index alone (an index-only scan), not a join of both tables grouped per workflow."""
    related = Workflow._meta.get_field(relation)
    counts = (
        related.related_model._default_manager.filter(**{related.field.name: OuterRef("pk")})
        .order_by()
        .values(related.field.name)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@admin.register(Workflow)
class WorkflowAdmin(TimesAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "workflow_id", "first_seen_at", "last_seen_at", "sessions", "calls"]
    search_fields = ["name", "workflow_id"]
    readonly_fields = ["workflow_id", "name", "first_seen_at", "last_seen_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(chat_session_count=_count("chat_sessions"), call_count=_count("call_results"))
        )

    @admin.display(description="chat sessions", ordering="chat_session_count")
    def sessions(self, workflow: Workflow) -> int:
        return workflow.chat_session_count

    @admin.display(description="calls", ordering="call_count")
    def calls(self, workflow: Workflow) -> int:
        return workflow.call_count
