from celery import shared_task

from .retention import apply_retention


# Named as when it lived in the inbox: beat schedules keep that name.
@shared_task(name="integrations.retention.apply_retention")
def apply_retention_task() -> dict[str, int]:
    """The daily run (``CELERY_BEAT_SCHEDULE``)."""
    return apply_retention()
