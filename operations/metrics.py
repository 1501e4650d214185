"""``GET /metrics``: the inbox's figures in Prometheus' text format, for a scraper with a token.

The collector reads the database at scrape time (nothing is counted in a process's memory), so
every gunicorn worker answers the same numbers. Without ``AIRUDDER_METRICS_TOKEN`` the endpoint
does not exist (404); with it, a request must carry ``Authorization: Bearer <token>``.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

# The classic text format (version 0.0.4), which every Prometheus version reads.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from integrations.models import AlertIncident
from operations import inbox


class InboxCollector:
    """Computes every metric from the database when collected."""

    def describe(self):
        return []  # nothing is computed at registration

    def collect(self):
        now = timezone.now()
        deliveries = CounterMetricFamily(
            "airudder_webhook_deliveries",
            "Deliveries received (AI Rudder's retries included), by the outcome of their event. "
            "Purging processed events lowers it: a scraper sees a counter reset.",
            labels=["endpoint", "kind", "outcome"],
        )
        events = GaugeMetricFamily(
            "airudder_webhook_events",
            "Stored events (a delivery and its retries are one), by status.",
            labels=["endpoint", "kind", "status"],
        )
        for row in inbox.deliveries_by_outcome():
            labels = [row["endpoint__name"], row["kind"], row["status"]]
            deliveries.add_metric(labels, row["deliveries"] or 0)
            events.add_metric(labels, row["events"])
        yield deliveries
        yield events

        backlog = inbox.backlog()
        yield GaugeMetricFamily(
            "airudder_events_backlog",
            "Events stored and not processed yet (status received).",
            value=backlog.events,
        )
        yield GaugeMetricFamily(
            "airudder_oldest_unprocessed_event_age_seconds",
            "Age of the oldest event still received (0 when there is none).",
            value=backlog.age_seconds(now),
        )

        last = GaugeMetricFamily(
            "airudder_endpoint_last_delivery_timestamp_seconds",
            "When each endpoint last received a delivery (Unix time; absent if never).",
            labels=["endpoint"],
        )
        for endpoint in inbox.endpoints_last_delivery():
            if endpoint.last_delivery_at:
                last.add_metric([endpoint.name], endpoint.last_delivery_at.timestamp())
        yield last

        drift = GaugeMetricFamily(
            "airudder_payload_drift_paths",
            "Fields or enum values AI Rudder sent that the app does not know, per kind.",
            labels=["kind"],
        )
        for kind, paths in sorted(inbox.drift_paths_per_kind().items()):
            drift.add_metric([kind], paths)
        yield drift

        rejected = CounterMetricFamily(
            "airudder_webhook_rejected",
            "Deliveries refused before they were stored: unknown token, inactive endpoint, "
            "bad signature.",
            labels=["reason"],
        )
        for reason, count in sorted(inbox.rejection_totals().items()):
            rejected.add_metric([reason], count)
        yield rejected

        yield GaugeMetricFamily(
            "airudder_alert_incidents_open",
            "Alerts currently firing (incidents opened and not resolved).",
            value=AlertIncident.objects.filter(resolved_at__isnull=True).count(),
        )


def _authorized(request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
@require_GET
def metrics(request):
    token = settings.AIRUDDER_METRICS_TOKEN
    if not token:
        raise Http404("Metrics are off")
    if not _authorized(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(InboxCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)
