"""Alerts as production runs them: Celery beat schedules ``check_alerts``, a real worker runs it
through the broker, on PostgreSQL. Needs ``CELERY_BROKER_URL`` (a Redis database of the test's
own: the worker consumes whatever is queued there) and PostgreSQL."""

import time
from datetime import timedelta

import pytest
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from integrations.models import AlertIncident, WebhookEvent
from tests.conftest import broker_queue_emptied, wait_for

pytestmark = [
    pytest.mark.broker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL (a real broker) and PostgreSQL",
    ),
]


@pytest.fixture
def beat_every_second(tmp_path):
    """The project's beat entry for alerts, at a one-second interval instead of a minute."""
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "check_alerts" in e["task"]]
    before = celery_app.conf.beat_schedule
    celery_app.conf.beat_schedule = {"check-alerts": {**entry, "schedule": 1.0}}
    beat = EmbeddedService(
        celery_app, thread=True, schedule_filename=str(tmp_path / "beat-schedule")
    )
    yield beat
    if beat.is_alive():  # stopping a beat that never started would wait for ever
        beat.stop()
    celery_app.conf.beat_schedule = before


def test_beat_and_a_worker_open_one_incident_and_resolve_it(endpoint, settings, beat_every_second):
    settings.AIRUDDER_ALERT_EMAILS = ["oncall@example.com"]
    settings.AIRUDDER_ALERT_BACKLOG_AGE_MINUTES = 10
    stuck = timezone.now() - timedelta(minutes=30)
    WebhookEvent.objects.create(
        endpoint=endpoint,
        kind="chatbot_session_end",
        body=b"{}",
        dedup_key="stuck",
        received_at=stuck,
        last_received_at=stuck,
    )
    assert not celery_app.conf.task_always_eager
    broker_queue_emptied()  # no wake-up of an earlier test may claim the stuck event

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        beat_every_second.start()
        assert wait_for(lambda: AlertIncident.objects.filter(key="backlog").exists())
        time.sleep(3)  # several more checks run while the backlog is still stuck
        assert AlertIncident.objects.filter(key="backlog").count() == 1
        assert [m.subject for m in mail.outbox] == ["[AI Rudder inbox] ALERT backlog"]

        WebhookEvent.objects.update(status=WebhookEvent.Status.PROCESSED)
        assert wait_for(
            lambda: AlertIncident.objects.filter(key="backlog", resolved_at__isnull=False).exists()
        )
        time.sleep(2)

    assert [m.subject for m in mail.outbox] == [
        "[AI Rudder inbox] ALERT backlog",
        "[AI Rudder inbox] RESOLVED backlog",
    ]
