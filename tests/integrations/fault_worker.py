"""A real Celery worker process for the fault tests (``test_faults.py``), with a slow processor.

Run as ``python -m tests.integrations.fault_worker``. Each kind's processor (and batch writer)
first appends the process id to the file ``FAULT_WORKER_LOG`` names; the first run of all sleeps
``FAULT_WORKER_SLEEP`` seconds, so that a test can kill the worker in the middle of the task.
``FAULT_WORKER_CONF`` (JSON) overrides Celery settings of this worker only.
"""

import dataclasses
import json
import os
import time
from pathlib import Path

import django


def _slow(process, log: Path, sleep: float):
    if process is None:
        return None

    def slow_process(inbound):
        first = not log.exists()
        with log.open("a") as lines:
            lines.write(f"{os.getpid()}\n")
        if first:
            time.sleep(sleep)
        return process(inbound)

    return slow_process


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from config.celery import app
    from integrations import kinds

    log = Path(os.environ["FAULT_WORKER_LOG"])
    sleep = float(os.environ.get("FAULT_WORKER_SLEEP", "60"))
    for slug, declared in list(kinds._REGISTRY.items()):
        kinds._REGISTRY[slug] = dataclasses.replace(
            declared,
            process=_slow(declared.process, log, sleep),
            process_many=_slow(declared.process_many, log, sleep),  # a batch of inbound events
        )
    app.conf.update(json.loads(os.environ.get("FAULT_WORKER_CONF", "{}")))
    app.worker_main(
        [
            *("worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO"),
            *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        ]
    )


if __name__ == "__main__":
    main()
