"""Faults against the real services: a worker process killed mid-task, database connections
dropped under a server that keeps them. PostgreSQL and (for the worker) a real broker; skipped
without them, a failure in CI's services run (``service_missing`` in ``tests/conftest.py``).

The worker is a real ``celery worker`` process (``tests/integrations/fault_worker.py``, prefork,
one child) whose processor sleeps on its first run, so that the test can kill it mid-task.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from integrations.models import WebhookEvent
from integrations.services import webhook_events_process
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _broker_client():
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.client


@pytest.fixture
def empty_broker(real_broker):
    """Nothing queued or unacknowledged in the test's broker database, before and after: a
    message left by a killed worker would otherwise be redelivered to a later test."""

    def empty():
        celery_app.control.purge()
        _broker_client().delete("unacked", "unacked_index", "unacked_mutex")

    empty()
    yield
    empty()


@pytest.fixture
def worker_process(tmp_path):
    """Starts real worker processes on the test database; each is killed (its whole process
    group, which the test started) when the test ends. The log lists the processor's runs."""
    db = connection.settings_dict
    user = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    url = f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    log = tmp_path / "runs.log"
    started: list[subprocess.Popen] = []

    def start(conf: dict | None = None) -> subprocess.Popen:
        env = os.environ | {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "FAULT_WORKER_LOG": str(log),
            "FAULT_WORKER_CONF": json.dumps(conf or {}),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integrations.fault_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        return process

    def runs() -> list[int]:
        return [int(line) for line in log.read_text().split()] if log.exists() else []

    start.runs = runs
    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _deliver(endpoint, payload: dict) -> WebhookEvent:
    url = reverse(CHATBOT_SESSION_END.url_name, kwargs={"token": endpoint.token})
    response = Client().post(url, data=json.dumps(payload), content_type="application/json")
    assert (response.status_code, response.json()) == (200, {})
    return WebhookEvent.objects.get()


def _finished(event: WebhookEvent) -> bool:
    event.refresh_from_db()
    return event.status != WebhookEvent.Status.RECEIVED


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("empty_broker")
def test_a_worker_child_killed_mid_task_runs_the_task_again_and_once(
    endpoint, chat_payload, worker_process
):
    """Relies on acks_late + reject_on_worker_lost: the task is requeued when its process dies."""
    worker_process()
    event = _deliver(endpoint, chat_payload)
    assert wait_for(lambda: worker_process.runs()), "the worker never started the task"

    os.kill(worker_process.runs()[0], signal.SIGKILL)  # the pool's child, mid-task

    assert wait_for(lambda: _finished(event)), "the requeued task never ran"
    first, again = worker_process.runs()
    assert first != again  # a new child of the same worker ran it
    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert ChatSession.objects.get().messages.count() == 16


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("empty_broker")
def test_a_worker_killed_mid_task_leaves_it_to_the_next_worker_and_it_runs_once(
    endpoint, chat_payload, worker_process
):
    """Relies on acks_late: the message stays unacknowledged while the task runs, and the broker
    gives it to another worker once its visibility timeout is over (1 s for the second worker,
    instead of the hour production waits)."""
    first_worker = worker_process()
    event = _deliver(endpoint, chat_payload)
    assert wait_for(lambda: worker_process.runs()), "the worker never started the task"

    os.killpg(first_worker.pid, signal.SIGKILL)  # the whole worker: main process and child
    first_worker.wait(timeout=10)
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.RECEIVED, 0)  # rolled back
    assert _broker_client().hlen("unacked") == 1

    # Kombu 5.7 sweeps for unacknowledged messages every interval times throttle seconds (100 s by
    # default): both at 1 here, so the sweep follows the 1 s visibility timeout.
    restore_at_once = {"unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    worker_process({"broker_transport_options": {"visibility_timeout": 1, **restore_at_once}})

    assert wait_for(lambda: _finished(event)), "the next worker never ran the task"
    assert len(worker_process.runs()) == 2
    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert webhook_events_process(statuses=[WebhookEvent.Status.RECEIVED]) == {}
    assert ChatSession.objects.get().messages.count() == 16


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def one_thread_server():
    """The project's WSGI application behind a server that handles requests one at a time in one
    thread, as a sync gunicorn worker does: that thread's database connection is kept between
    requests (CONN_MAX_AGE), and checked before reuse (CONN_HEALTH_CHECKS)."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ("127.0.0.1", server.server_port)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _post(server: tuple[str, int], path: str, payload: dict) -> int:
    client = http.client.HTTPConnection(*server, timeout=10)
    try:
        client.request("POST", path, json.dumps(payload), {"Content-Type": "application/json"})
        return client.getresponse().status
    finally:
        client.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_deliveries_after_the_database_dropped_every_connection_are_all_stored(
    endpoint, chat_payload, one_thread_server
):
    """Relies on CONN_HEALTH_CHECKS: without it the first request after the drop reuses the dead
    connection and fails."""
    path = reverse(CHATBOT_SESSION_END.url_name, kwargs={"token": endpoint.token})
    assert _post(one_thread_server, path, chat_payload) == 200

    with connection.cursor() as cursor:  # the test's own connection, which stays
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        [(terminated,)] = cursor.fetchall()
    assert terminated >= 1, "the server kept no connection (CONN_MAX_AGE = 0?)"

    statuses = [
        _post(one_thread_server, path, chat_payload | {"call_id": f"after-the-drop-{i}"})
        for i in range(20)
    ]

    assert statuses == [200] * 20
    assert WebhookEvent.objects.count() == 21
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    assert ChatSession.objects.count() == 21
