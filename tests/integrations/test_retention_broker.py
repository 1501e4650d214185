"""Retention as production runs it: beat schedules it, a real worker applies it, on PostgreSQL.

Needs ``CELERY_BROKER_URL`` (a Redis database of the test's own) and PostgreSQL.
"""

from datetime import timedelta

import pytest
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone

from calls_app.models import CallResult
from calls_app.services import call_result_record
from config.celery import app as celery_app
from integrations.models import WebhookEvent
from tests.conftest import wait_for

pytestmark = [
    pytest.mark.broker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL (a real broker) and PostgreSQL",
    ),
]


def test_beat_and_a_worker_delete_what_is_past_its_retention(
    endpoint, call_payload, settings, tmp_path
):
    settings.AIRUDDER_RETENTION_EVENTS_DAYS = 90
    settings.AIRUDDER_RETENTION_RECORDS_DAYS = 730
    old, recent = timezone.now() - timedelta(days=800), timezone.now() - timedelta(days=1)
    for name, when in (("old", old), ("recent", recent)):
        WebhookEvent.objects.create(
            endpoint=endpoint,
            kind="call_result",
            body=b"{}",
            dedup_key=name,
            status=WebhookEvent.Status.PROCESSED,
            received_at=when,
            last_received_at=when,
        )
        call_payload["call"]["call_id"] = f"{name}-call"
        call_result_record(payload=call_payload, received_at=when)
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "retention" in e["task"]]
    before = celery_app.conf.beat_schedule
    celery_app.conf.beat_schedule = {"apply-retention": {**entry, "schedule": 1.0}}
    beat = EmbeddedService(celery_app, thread=True, schedule_filename=str(tmp_path / "beat"))
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            beat.start()
            assert wait_for(lambda: not CallResult.objects.filter(call_id="old-call").exists())
            assert wait_for(lambda: not WebhookEvent.objects.filter(dedup_key="old").exists())
    finally:
        if beat.is_alive():  # stopping a beat that never started would wait for ever
            beat.stop()
        celery_app.conf.beat_schedule = before

    assert list(CallResult.objects.values_list("call_id", flat=True)) == ["recent-call"]
    assert list(WebhookEvent.objects.values_list("dedup_key", flat=True)) == ["recent"]
