"""Probes for load balancers and orchestrators: no login, no customer data, answers fast.

``/healthz`` says the process is up (it touches nothing else, so a database outage does not get
every web process restarted). ``/readyz`` says whether this process can do its job: the database
answers, the broker answers (when one is configured), and how old the oldest unprocessed event
is; 503 when the database or the broker does not answer, so traffic goes elsewhere.
"""

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from integrations.models import WebhookEvent


def _database() -> tuple[bool, float | None]:
    """Whether the database answers, and the age in seconds of the oldest unprocessed event."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        oldest = (
            WebhookEvent.objects.filter(status=WebhookEvent.Status.RECEIVED)
            .order_by("received_at")
            .values_list("received_at", flat=True)
            .first()
        )
    except DatabaseError:
        return False, None
    return True, (timezone.now() - oldest).total_seconds() if oldest else 0.0


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    try:
        with current_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.1, timeout=1)
    except Exception:
        return "down"
    return "up"


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    database_up, oldest_age = _database()
    broker = _broker()
    ready = database_up and broker != "down"
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "database": "up" if database_up else "down",
            "broker": broker,
            "oldest_unprocessed_event_age_seconds": oldest_age,
        },
        status=200 if ready else 503,
    )
