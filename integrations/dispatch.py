"""Handing stored events to the workers without making AI Rudder wait for the broker.

A delivery is answered as soon as its row is committed; a thread of the web process then wakes
a worker through the broker, so a slow or absent broker never slows a delivery. The wake-up is
``process_batch``: the worker claims whatever waits, many events at a time, and the ids queued
while one wake-up is published, or in the short pause after it, share it. One that is never
published (the process stops first, the broker is down) loses nothing: the row is still
``received``, and the periodic sweep (``process_stale_events``) hands it to a worker.

Without a broker (tasks run in-process, ``task_always_eager``) the task runs right away in the
request's thread, as it always has for a local run.
"""

import contextlib
import logging
import queue
import threading
import time

from celery import current_app

logger = logging.getLogger(__name__)


# At most one wake-up per process in this many seconds: a worker drains all that waits, so more
# would only cost the web process a broker round trip each (about 1 ms of CPU per delivery).
WAKE_INTERVAL = 0.05


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
            event_id = self._queue.get()
            with contextlib.suppress(queue.Empty):
                while True:  # a wake-up claims every waiting event: one for all queued so far
                    self._queue.get_nowait()
            publish(event_id)
            time.sleep(WAKE_INTERVAL)  # ids queued meanwhile share the next wake-up


# By name: the task module imports services.
PROCESS_EVENT = "integrations.tasks.process_event"
PROCESS_BATCH = "integrations.tasks.process_batch"


def publish(event_id: int) -> None:
    """In-process, the event alone, as always; through a broker, a wake-up for a batch."""
    try:
        if current_app.conf.task_always_eager:
            current_app.tasks[PROCESS_EVENT].delay(event_id)
        else:
            current_app.tasks[PROCESS_BATCH].delay()
    except Exception:
        logger.warning("Could not queue webhook event %s; the sweep will pick it up", event_id)


publisher = _Publisher()


def dispatch(event_id: int) -> None:
    """Queue ``event_id`` for a worker: in-process when there is no broker, else in background."""
    if current_app.conf.task_always_eager:
        publish(event_id)
    else:
        publisher.submit(event_id)
