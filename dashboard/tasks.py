from celery import shared_task

from .rollups import roll_pending


@shared_task(name="dashboard.tasks.roll_outcomes")
def roll_outcomes() -> dict:
    """Beat runs it every few minutes: new closed days and dirty ones (dashboard.rollups)."""
    return roll_pending()
