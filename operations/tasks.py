from celery import shared_task

from .alerts import alerts_check


# Named as when it lived in the inbox: beat schedules and queued messages keep that name.
@shared_task(name="integrations.tasks.check_alerts")
def check_alerts() -> dict:
    """Opens and resolves alert incidents (``operations.alerts``); beat runs it every minute."""
    return alerts_check()
