from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from integrations.batches import webhook_events_drain, webhook_events_sweep
from integrations.dispatch import PROCESS_BATCH, PROCESS_EVENT
from integrations.services import webhook_event_process

# A batch task gives its place back after this long (well within the soft time limit), so
# that a long backlog is shared by the workers' queue rather than held by one task.
DRAIN_SECONDS = 60


@shared_task(
    name=PROCESS_EVENT,
    autoretry_for=(SoftTimeLimitExceeded,),
    max_retries=3,
    retry_backoff=30,
)
def process_event(event_id: int) -> str:
    """A soft time limit leaves the event ``received`` and retries; the sweep is the last resort."""
    return webhook_event_process(event_id=event_id).status


@shared_task(
    name=PROCESS_BATCH,
    autoretry_for=(SoftTimeLimitExceeded,),
    max_retries=3,
    retry_backoff=30,
)
def process_batch() -> dict:
    """Woken by a publish: claims whatever waits, a batch at a time, until nothing does."""
    counts, more = webhook_events_drain(
        limit=settings.AIRUDDER_PROCESS_BATCH, seconds=DRAIN_SECONDS
    )
    if more:
        process_batch.delay()
    return counts


@shared_task(name="integrations.tasks.process_stale_events")
def process_stale_events() -> dict:
    """Events the broker never delivered to a worker stay ``received``; this runs them."""
    return webhook_events_sweep(
        limit=settings.AIRUDDER_PROCESS_BATCH, older_than=settings.AIRUDDER_STALE_EVENT_AFTER
    )
