"""Handing stored events to the workers without making AI Rudder wait for the broker.

A delivery is answered as soon as its row is committed; the event's id is then published to the
broker by a thread of the web process, so a slow or absent broker never slows a delivery. An id
that is never published (the process stops first, the broker is down) loses nothing: the row is
still ``received``, and the periodic sweep (``process_stale_events``) hands it to a worker.

Without a broker (tasks run in-process, ``task_always_eager``) the task runs right away in the
request's thread, as it always has for a local run.
"""

import logging
import queue
import threading

from celery import current_app

logger = logging.getLogger(__name__)


class _Publisher:
    """One daemon thread per process, started on first use (after gunicorn's fork)."""

    def __init__(self):
        self._queue: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, event_id: int) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="airudder-publisher", daemon=True
                )
                self._thread.start()
        self._queue.put(event_id)

    def _run(self) -> None:
        while True:
            publish(self._queue.get())


PROCESS_EVENT = "integrations.tasks.process_event"  # by name: the task module imports services


def publish(event_id: int) -> None:
    try:
        current_app.tasks[PROCESS_EVENT].delay(event_id)
    except Exception:
        logger.warning("Could not queue webhook event %s; the sweep will pick it up", event_id)


publisher = _Publisher()


def dispatch(event_id: int) -> None:
    """Queue ``event_id`` for a worker: in-process when there is no broker, else in background."""
    if current_app.conf.task_always_eager:
        publish(event_id)
    else:
        publisher.submit(event_id)
