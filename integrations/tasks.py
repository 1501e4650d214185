from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from integrations.dispatch import PROCESS_EVENT
from integrations.models import WebhookEvent
from integrations.services import webhook_event_process, webhook_events_process


@shared_task(
    name=PROCESS_EVENT,
    autoretry_for=(SoftTimeLimitExceeded,),
    max_retries=3,
    retry_backoff=30,
)
def process_event(event_id: int) -> str:
    """A soft time limit leaves the event ``received`` and retries; the sweep is the last resort."""
    return webhook_event_process(event_id=event_id).status


@shared_task(name="integrations.tasks.process_stale_events")
def process_stale_events() -> dict:
    """Events the broker never delivered to a worker stay ``received``; this runs them."""
    return webhook_events_process(
        statuses=[WebhookEvent.Status.RECEIVED], older_than=settings.AIRUDDER_STALE_EVENT_AFTER
    )
