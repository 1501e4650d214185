"""Benchmark of the workers: throughput, a burst, queries per event and memory over many events.

Stores events the way the webhook does (``webhook_event_receive``, in this process, on
PostgreSQL), publishes each to a Redis broker (``process_event.delay(pk)``) and lets real
``celery -A config worker --pool prefork`` processes, started here with the production
environment, turn them into records. Everything is on loopback and every loop is bounded.

    .venv/bin/python benchmarks/processing.py                                  # full run
    .venv/bin/python benchmarks/processing.py --burst 300 --memory-events 1000 --events 200

Method:

1. **Queries per event**: ``--query-events`` events of each kind, processed here with
   ``webhook_event_process`` under ``CaptureQueriesContext``; queries per event (mean, max) and
   the statements' shapes (literals replaced by ``?``), counted per event. Then as many again
   processed in batches (``webhook_events_drain``, ``AIRUDDER_PROCESS_BATCH`` a batch): the
   batch's queries and milliseconds divided by its events.
2. **Throughput**: one worker node (``--concurrency 1``, then ``--concurrency 2``: two pool
   processes under one main process, as the Procfile runs it) is warmed up, its consumer is
   cancelled (``control.cancel_consumer``), a backlog of ``--events`` new events of one kind is
   stored and published, and the consumer is added back; events per second is the backlog over
   the time from that moment to the last ``processed_at``. ``--task``: ``event`` publishes one
   ``process_event`` per event (one by one, as before batches), ``batch`` publishes
   ``process_batch`` wake-ups (one per 100 events, and one more) that claim batches, as the
   webhook's dispatch does; ``both`` (default) runs each on the same worker, one after the other.
   Chat session end events are AI Rudder's example with a distinct ``call_id`` (16 messages);
   call results are its call example with a distinct ``call.call_id`` (8 transcript turns, 1
   answer, 3 redials).
3. **Burst**: with the two-process worker running and consuming, ``--burst`` new deliveries are
   stored and published one by one (as fast as this process goes, or at ``--burst-rate``); a
   thread counts the events still ``received`` (the backlog) every ``--backlog-interval``
   seconds. Drain time is from the first delivery to the last ``processed_at``; it is compared
   with the webhook's ingest rate if ``--ingest-rps`` is given (benchmarks/README.md).
4. **Memory**: ``--memory-events`` events (both kinds, alternately) are stored and published,
   then one worker (``--concurrency 1``, no ``--max-tasks-per-child``) drains them while the
   resident set (``VmRSS`` of /proc) of its pool process and of its main process is sampled every
   ``--rss-interval`` seconds. Flat means the last sample is within 5 % (or 2 MiB) of the one
   taken once 10 % of the events were processed.

The database named by ``--database-url`` is dropped and created again: it must be the benchmark's
own (its name must contain "bench"). The Redis database of ``--broker-url`` is the benchmark's own
too: it is emptied (FLUSHDB) at the start and at the end.
"""

import argparse
import contextlib
import copy
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from common import (
    BIN,
    CALL_EXAMPLE,
    CHAT_EXAMPLE,
    ROOT,
    bench_database,
    django_setup,
    manage,
    ms,
    production_env,
    recreate_database,
)

CHAT, CALL = "chatbot_session_end", "call_result"
LABELS = {CHAT: "chat session end (16 messages)", CALL: "call result (8 turns)"}
STORM = 5  # a statement run this many times or more per event is one per message/turn/item


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """The method as written above, and each knob's default."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    parser.add_argument(
        "--events", type=int, default=2000, help="backlog per kind and worker count (throughput)"
    )
    parser.add_argument("--warmup", type=int, default=20, help="events per kind before timing")
    parser.add_argument("--burst", type=int, default=10_000, help="deliveries in the burst")
    parser.add_argument(
        "--burst-kind", choices=("chat", "call"), default="chat", help="the burst's event kind"
    )
    parser.add_argument(
        "--burst-rate",
        type=float,
        default=0,
        help="deliveries per second in the burst (0: as fast as this process stores them)",
    )
    parser.add_argument(
        "--ingest-rps",
        type=float,
        default=None,
        help="the webhook's measured ingest rate (webhook_ingest.py), to compare the burst with",
    )
    parser.add_argument("--backlog-interval", type=float, default=1.0, help="seconds per sample")
    parser.add_argument(
        "--memory-events", type=int, default=100_000, help="events one worker drains (memory)"
    )
    parser.add_argument("--rss-interval", type=float, default=5.0, help="seconds per RSS sample")
    parser.add_argument(
        "--query-events", type=int, default=50, help="events per kind whose queries are counted"
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="DJANGO_CONN_MAX_AGE")
    parser.add_argument(
        "--task",
        choices=("both", "event", "batch"),
        default="both",
        help="throughput: a process_event per event, process_batch wake-ups, or both",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("queries", "throughput", "burst", "memory"),
        help="leave a part out (repeatable)",
    )
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/airudder_proc_bench"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    bench_database(parser, args.database_url)
    if not args.broker_url.startswith("redis://127.0.0.1:"):
        parser.error("--broker-url must be a Redis database on 127.0.0.1")
    bounds = {
        "events": (1, 100_000),
        "warmup": (1, 1000),
        "burst": (1, 100_000),
        "memory_events": (1, 1_000_000),
        "query_events": (1, 1000),
    }
    for name, (low, high) in bounds.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be {low}..{high}")
    if not 0.1 <= args.backlog_interval <= 60 or not 0.1 <= args.rss_interval <= 600:
        parser.error("--backlog-interval must be 0.1..60 and --rss-interval 0.1..600")
    if args.burst_rate < 0 or (args.ingest_rps is not None and args.ingest_rps <= 0):
        parser.error("--burst-rate must be >= 0 and --ingest-rps > 0")
    return args


def drain_timeout(count: int) -> float:
    """Bound of every wait for a backlog: a worker slower than 10 events/s is a failure."""
    return 60 + count / 10


# --- events ---------------------------------------------------------------------------------


class Events:
    """Distinct new events of both kinds, stored as the webhook stores them (nothing queued)."""

    def __init__(self, endpoint, run: str):
        self.endpoint = endpoint
        self.run = run
        self.examples = {
            CHAT: json.loads(CHAT_EXAMPLE.read_text()),
            CALL: json.loads(CALL_EXAMPLE.read_text()),
        }
        self.serial = 0

    def body(self, kind: str) -> bytes:
        self.serial += 1
        payload = copy.deepcopy(self.examples[kind])
        if kind == CHAT:
            payload["call_id"] = f"bench-{self.run}-chat-{self.serial:07d}"
            payload["timestamp"] += self.serial
        else:
            payload["call"]["call_id"] = f"bench-{self.run}-call-{self.serial:07d}"
        return json.dumps(payload).encode()

    def store(self, kind: str) -> int:
        from integrations.services import webhook_event_receive

        delivery = webhook_event_receive(
            endpoint=self.endpoint,
            kind=kind,
            body=self.body(kind),
            headers={"Content-Type": "application/json"},
            remote_addr="127.0.0.1",
            enqueue=False,
        )
        if not delivery.created or delivery.body_error:
            raise SystemExit(f"a {kind} delivery was not stored as a new event")
        return delivery.event.pk

    def store_many(self, kinds: list[str]) -> list[int]:
        return [self.store(kind) for kind in kinds]


def publish(ids: list[int], task: str = "batch") -> None:
    from integrations.tasks import process_batch, process_event

    if task == "event":
        for event_id in ids:
            process_event.delay(event_id)
        return
    for _ in range(len(ids) // 100 + 1):  # each wake-up drains whatever waits
        process_batch.delay()


def batch(ids: list[int]):
    from integrations.models import WebhookEvent

    return WebhookEvent.objects.filter(pk__gte=min(ids), pk__lte=max(ids))


def received(ids: list[int]) -> int:
    from integrations.models import WebhookEvent

    return batch(ids).filter(status=WebhookEvent.Status.RECEIVED).count()


def check_processed(ids: list[int]) -> None:
    from integrations.models import WebhookEvent

    other = batch(ids).exclude(status=WebhookEvent.Status.PROCESSED)
    if other.exists():
        first = other.order_by("pk").first()
        raise SystemExit(
            f"{other.count()} events not processed, e.g. {first.pk}: {first.status} {first.error}"
        )


def last_processed(ids: list[int]) -> float:
    from django.db.models import Max

    return batch(ids).aggregate(last=Max("processed_at"))["last"].timestamp()


def wait_drained(ids: list[int], worker: "Worker", what: str) -> None:
    deadline = time.monotonic() + drain_timeout(len(ids))
    while received(ids):
        worker.check_alive()
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: {received(ids)} events still received after the timeout")
        time.sleep(0.2)


# --- workers --------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the pool processes of a celery main process)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("PPid:"):
                    if int(line.split()[1]) == pid:
                        found.append(int(entry.name))
                    break
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


class Worker:
    """One ``celery worker`` node (prefork, ``concurrency`` pool processes) until stopped."""

    def __init__(self, env: dict, concurrency: int, name: str, queue: str, log_dir: Path):
        self.name = f"{name}@bench"
        self.queue = queue
        self.log = log_dir / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the venv's celery, fixed arguments
                [BIN / "celery", "-A", "config", "worker", "--pool", "prefork",
                 "--concurrency", str(concurrency), "-Q", queue, "-n", self.name,
                 "--loglevel", "WARNING"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that it can be killed whole
            )  # fmt: skip

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"worker {self.name} exited ({self.process.returncode}):\n{tail}")

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if app.control.ping(destination=[self.name], timeout=1.0):
                return
        raise SystemExit(f"worker {self.name} did not answer a ping in {timeout:.0f} s")

    def _control(self, command: str) -> None:
        from config.celery import app

        replies = getattr(app.control, command)(
            self.queue, destination=[self.name], reply=True, timeout=5.0
        )
        if not replies:
            raise SystemExit(f"worker {self.name} did not answer {command}")

    def pause(self) -> None:
        self._control("cancel_consumer")

    def resume(self) -> None:
        self._control("add_consumer")

    def pool(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then the whole process group killed if it is still there."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this script started
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


@contextlib.contextmanager
def running(env: dict, concurrency: int, name: str, queue: str, log_dir: Path):
    worker = None
    try:
        worker = Worker(env, concurrency, name, queue, log_dir)
        worker.wait_ready()
        yield worker
    finally:
        if worker is not None:
            worker.stop()


def flush_broker(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


# --- 1. queries per event -------------------------------------------------------------------

_STRING = re.compile(r"'(?:[^']|'')*'")
_SAVEPOINT = re.compile(r'"s\d+_x\d+"')
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_LIST = re.compile(r"\((?:\s*\?\s*(?:::\w+(?:\[\])?)?\s*,)+\s*\?\s*(?:::\w+(?:\[\])?)?\s*\)")
_ROWS = re.compile(r"(\(\.\.\.\))(?:\s*,\s*\(\.\.\.\))+")


def shape(sql: str) -> str:
    """The statement with its literals replaced: statements that differ only in values match."""
    sql = _NUMBER.sub("?", _STRING.sub("?", _SAVEPOINT.sub('"s?"', sql)))
    sql = _ROWS.sub(r"\1, …", _LIST.sub("(...)", sql))
    return re.sub(r"\s+", " ", sql).strip()


_COLUMNS = re.compile(r"^SELECT (?!\* )(?:DISTINCT )?.+? FROM ")
_INSERTED = re.compile(r'^(INSERT INTO "\w+" )\([^)]*\)')
_UNNEST = re.compile(r"UNNEST\(.*\)")
_VALUES = re.compile(r"VALUES \(.*\) RETURNING ")


def compact(sql: str) -> str:
    """A shape short enough to read: column lists and UNNEST's arrays left out."""
    sql = _COLUMNS.sub("SELECT … FROM ", sql)
    sql = _UNNEST.sub("UNNEST(…)", _INSERTED.sub(r"\1(…)", sql))
    sql = _VALUES.sub("VALUES (…) RETURNING ", sql)
    return sql if len(sql) <= 240 else sql[:237] + "…"


def savepoint(sql: str) -> bool:
    return sql.startswith(("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT "))


def queries_per_event(events: Events, kind: str, count: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations.models import WebhookEvent
    from integrations.services import webhook_event_process

    ids = events.store_many([kind] * count)
    counts, seconds, shapes = [], [], Counter()
    for event_id in ids:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            event = webhook_event_process(event_id=event_id)
            seconds.append(time.perf_counter() - started)
        if event.status != WebhookEvent.Status.PROCESSED:
            raise SystemExit(f"event {event_id} ended {event.status}: {event.error}")
        counts.append(len(captured.captured_queries))
        shapes.update(shape(query["sql"]) for query in captured.captured_queries)
    return {
        "n": count,
        "mean": statistics.fmean(counts),
        "p50": statistics.median(counts),
        "max": max(counts),
        "max_after_first": max(counts[1:], default=counts[0]),
        "ms": ms(seconds),
        "shapes": {sql: times / count for sql, times in shapes.most_common()},
    }


def queries_in_batches(events: Events, kind: str, count: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations.batches import webhook_events_drain

    ids = events.store_many([kind] * count)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        counts, _ = webhook_events_drain(limit=100)
        seconds = time.perf_counter() - started
    if counts != {"processed": count}:
        raise SystemExit(f"batches of {kind}: {counts}")
    check_processed(ids)
    return {
        "n": count,
        "mean": len(captured.captured_queries) / count,
        "ms": seconds * 1000 / count,
    }


# --- 2. throughput --------------------------------------------------------------------------


def throughput(events: Events, worker: Worker, kind: str, count: int, task: str) -> dict:
    worker.pause()
    ids = events.store_many([kind] * count)
    publish(ids, task)
    time.sleep(0.5)  # a worker that still consumed would show here
    early = count - received(ids)
    started = time.time()
    worker.resume()
    wait_drained(ids, worker, f"throughput of {kind}")
    check_processed(ids)
    elapsed = last_processed(ids) - started
    return {"n": count, "elapsed": elapsed, "rate": count / elapsed, "early": early}


def warm_up(events: Events, worker: Worker, count: int) -> None:
    ids = events.store_many([CHAT, CALL] * count)
    publish(ids)
    wait_drained(ids, worker, "warm-up")
    check_processed(ids)


# --- 3. burst -------------------------------------------------------------------------------


@dataclass
class BacklogSample:
    t: float
    stored: int
    backlog: int


def burst(events: Events, worker: Worker, kind: str, count: int, rate: float, interval: float):
    from django.db import connection

    from integrations.models import WebhookEvent
    from integrations.tasks import process_event

    pending = WebhookEvent.objects.filter(status=WebhookEvent.Status.RECEIVED)
    if pending.exists():
        raise SystemExit("events of an earlier part are still received: the burst would miss")
    samples: list[BacklogSample] = []
    stored = [0]
    done = threading.Event()
    failure: list[BaseException] = []
    started = time.time()

    def sample() -> None:
        try:
            deadline = time.monotonic() + drain_timeout(count) + count / max(rate, 1)
            while time.monotonic() < deadline:
                now = time.time() - started
                backlog = pending.count()
                samples.append(BacklogSample(now, stored[0], backlog))
                if done.is_set() and backlog == 0:
                    return
                time.sleep(max(0.0, interval - (time.time() - started - now)))
            failure.append(SystemExit("the burst did not drain before the timeout"))
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)
        finally:
            connection.close()  # this thread's own connection

    sampler = threading.Thread(target=sample, name="backlog-sampler")
    sampler.start()
    ids = []
    try:
        for index in range(count):
            if rate:
                delay = started + index / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
            event_id = events.store(kind)
            process_event.delay(event_id)  # after the commit, as dispatch() does
            ids.append(event_id)
            stored[0] = index + 1
            if failure or index % 500 == 0:
                worker.check_alive()
                if failure:
                    break
        stored_at = time.time() - started
    finally:
        done.set()
        sampler.join(timeout=drain_timeout(count) + 60)
    if failure:
        raise failure[0]
    if sampler.is_alive():
        raise SystemExit("the backlog sampler did not stop")
    check_processed(ids)
    drained_at = last_processed(ids) - started
    at_stored = min(
        (s for s in samples if s.stored == count), key=lambda s: s.t, default=samples[-1]
    )
    return {
        "n": count,
        "kind": kind,
        "stored_at": stored_at,
        "store_rate": count / stored_at,
        "drained_at": drained_at,
        "rate": count / drained_at,
        "peak": max(s.backlog for s in samples),
        "at_stored": at_stored.backlog,
        "samples": samples,
    }


# --- 4. memory ------------------------------------------------------------------------------


@dataclass
class RssSample:
    t: float
    processed: int
    pool: dict  # pid -> KiB
    main: int | None


def memory(events: Events, env: dict, count: int, interval: float, queue: str, log_dir: Path):
    kinds = [CHAT if index % 2 == 0 else CALL for index in range(count)]
    ids = events.store_many(kinds)
    publish(ids)
    samples: list[RssSample] = []
    with running(env, 1, "procbench-memory", queue, log_dir) as worker:
        started = time.time()
        deadline = time.monotonic() + drain_timeout(count)
        while True:
            worker.check_alive()
            left = received(ids)
            pool = {pid: rss_kib(pid) for pid in worker.pool()}
            samples.append(
                RssSample(
                    time.time() - started,
                    count - left,
                    {pid: kib for pid, kib in pool.items() if kib},
                    rss_kib(worker.process.pid),
                )
            )
            if not left:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"memory: {left} events still received after the timeout")
            time.sleep(interval)
    check_processed(ids)
    return {"n": count, "elapsed": last_processed(ids) - started, "samples": samples}


def pool_rss(sample: RssSample) -> int:
    return sum(sample.pool.values())


def memory_verdict(result: dict) -> dict:
    samples = [s for s in result["samples"] if s.processed > 0 and s.pool]
    if not samples:
        return {}
    base = next(s for s in samples if s.processed >= 0.1 * result["n"])
    last, first = samples[-1], samples[0]
    growth = pool_rss(last) - pool_rss(base)
    later = [s for s in samples if s.processed >= base.processed]
    slope = None
    if len(later) >= 3 and later[-1].processed > later[0].processed:
        xs = [s.processed for s in later]
        ys = [pool_rss(s) for s in later]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs
        )
    pids = {pid for s in samples for pid in s.pool}
    return {
        "first": first,
        "base": base,
        "last": last,
        "max": max(samples, key=pool_rss),
        "main_max": max((s.main or 0) for s in samples),
        "main_growth": (last.main or 0) - (base.main or 0),
        "growth": growth,
        "slope": slope,  # KiB per event
        "flat": abs(growth) <= max(2048, 0.05 * pool_rss(base)),
        "pids": pids,
    }


# --- report ---------------------------------------------------------------------------------


def mib(kib: float | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.1f}"


def spread(rows: list, limit: int) -> list:
    """At most ``limit`` rows, evenly spaced, always with the first and the last."""
    if len(rows) <= limit:
        return rows
    step = (len(rows) - 1) / (limit - 1)
    return [rows[round(i * step)] for i in range(limit)]


def report_queries(results: dict) -> None:
    print("\nqueries per event (webhook_event_process in-process, CaptureQueriesContext)")
    print("| event | n | mean | p50 | max | max without the first | mean ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        print(
            f"| {LABELS[kind]} | {r['n']} | {r['mean']:.1f} | {r['p50']:.0f} | {r['max']} "
            f"| {r['max_after_first']} | {r['ms']['mean']:.1f} | {r['ms']['p95']:.1f} |"
        )
    for kind, r in results.items():
        print(f"\nstatements of one {LABELS[kind]} event (mean times per event)")
        print("| per event | statement |")
        print("|---|---|")
        for sql, per_event in r["shapes"].items():
            print(f"| {per_event:.2f} | `{compact(sql).replace('|', '¦')}` |")
        storms = {sql: n for sql, n in r["shapes"].items() if n >= STORM and not savepoint(sql)}
        if storms:
            print(f"\n**{LABELS[kind]}: statements run {STORM} times or more per event:**")
            for sql, per_event in storms.items():
                print(f"- {per_event:.1f} x `{compact(sql).replace('|', '¦')}`")
        else:
            print(f"\nno statement but savepoints runs {STORM} times or more per event")


def report_batches(single: dict, batched: dict) -> None:
    print("\nqueries and ms per event, one by one and in batches of up to 100 (in-process)")
    print("| event | n | one by one: queries | ms | in batches: queries | ms | x fewer queries |")
    print("|---|---|---|---|---|---|---|")
    for kind, b in batched.items():
        one = single.get(kind)
        q, t = (f"{one['mean']:.1f}", f"{one['ms']['mean']:.1f}") if one else ("-", "-")
        ratio = f"{one['mean'] / b['mean']:.1f}" if one else "-"
        print(
            f"| {LABELS[kind]} | {b['n']} | {q} | {t} | {b['mean']:.1f} | {b['ms']:.1f} | {ratio} |"
        )


def report_throughput(results: dict) -> None:
    print("\nthroughput draining a backlog (celery worker --pool prefork, one node)")
    print("| event | task | --concurrency (pool processes) | events | seconds | events/s | x one |")
    print("|---|---|---|---|---|---|---|")
    for task in ("event", "batch"):
        for kind in (CHAT, CALL):
            one = results.get((kind, 1, task))
            for concurrency in (1, 2):
                r = results.get((kind, concurrency, task))
                if r is None:
                    continue
                scale = f"{r['rate'] / one['rate']:.2f}" if one else "-"
                print(
                    f"| {LABELS[kind]} | {task} | {concurrency} | {r['n']} | {r['elapsed']:.2f} "
                    f"| {r['rate']:.0f} | {scale} |"
                )
    early = {key: r["early"] for key, r in results.items() if r["early"]}
    if early:
        print(f"\nwarning: events processed before the consumer was added back: {early}")


def report_burst(r: dict, ingest_rps: float | None, interval: float) -> None:
    print(
        f"\nburst of {r['n']} {LABELS[CHAT if r['kind'] == CHAT else CALL]} deliveries, stored "
        f"in-process and published one by one, worker --concurrency 2 already consuming"
    )
    print(f"backlog (events still `received`), sampled every {interval:g} s")
    print("| s | stored | backlog |")
    print("|---|---|---|")
    for s in spread(r["samples"], 60):
        print(f"| {s.t:.1f} | {s.stored} | {s.backlog} |")
    print(
        "\n| deliveries | stored and published in s | stored/s | peak backlog "
        "| backlog when the last was stored | drained after s | processed/s |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {r['n']} | {r['stored_at']:.1f} | {r['store_rate']:.0f} | {r['peak']} "
        f"| {r['at_stored']} | {r['drained_at']:.1f} | {r['rate']:.0f} |"
    )
    if ingest_rps is None:
        print("\n(no --ingest-rps given: no comparison with the webhook's ingest rate)")
        return
    n, rate = r["n"], r["rate"]
    print(f"\nwith the webhook's ingest rate of {ingest_rps:.0f} deliveries/s (--ingest-rps):")
    print(f"- the webhook takes {n} deliveries in {n / ingest_rps:.1f} s;")
    if ingest_rps > rate:
        print(
            f"- the workers ({rate:.0f}/s) fall behind by {ingest_rps - rate:.0f}/s: peak backlog "
            f"≈ {n * (1 - rate / ingest_rps):.0f} when the burst ends, drained ≈ {n / rate:.1f} s "
            f"after it began ({n / rate - n / ingest_rps:.1f} s after its end)"
        )
    else:
        print(f"- the workers ({rate:.0f}/s) keep up: the backlog stays near zero")


def report_memory(r: dict, verdict: dict, interval: float) -> None:
    print(
        f"\nworker memory over {r['n']} events (both kinds alternately), one worker "
        f"--concurrency 1, no --max-tasks-per-child, {r['elapsed']:.0f} s, "
        f"{r['n'] / r['elapsed']:.0f} events/s; VmRSS sampled every {interval:g} s"
    )
    print("| s | events processed | pool process RSS MiB | main process RSS MiB |")
    print("|---|---|---|---|")
    for s in spread(r["samples"], 30):
        print(f"| {s.t:.0f} | {s.processed} | {mib(pool_rss(s) or None)} | {mib(s.main)} |")
    if not verdict:
        print("\n(no sample of the pool process while it processed)")
        return
    first, base, last, top = verdict["first"], verdict["base"], verdict["last"], verdict["max"]
    slope = verdict["slope"]
    print("\n| pool process | first | at 10 % | last | max | last - at 10 % | KiB per 10k events |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| RSS MiB | {mib(pool_rss(first))} (after {first.processed}) "
        f"| {mib(pool_rss(base))} (after {base.processed}) | {mib(pool_rss(last))} "
        f"| {mib(pool_rss(top))} | {verdict['growth'] / 1024:+.1f} "
        f"| {'-' if slope is None else f'{slope * 10_000:.0f}'} |"
    )
    pids = sorted(verdict["pids"])
    print(
        f"\nmain process: max RSS {mib(verdict['main_max'])} MiB, last - at 10 % "
        f"{verdict['main_growth'] / 1024:+.1f} MiB; pool process ids {pids}"
    )
    print(
        "memory is "
        + ("FLAT" if verdict["flat"] else "NOT flat (grows)")
        + " (last within 5 % or 2 MiB of the sample at 10 % of the events)"
    )


def main() -> None:
    args = parse_args()
    # A SIGTERM unwinds like Ctrl-C, so that the workers are stopped in the ``finally`` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = time.strftime("%Y%m%d%H%M%S")
    env = production_env(args.database_url, args.broker_url, args.conn_max_age)
    recreate_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    django_setup(env)
    from config.celery import app
    from integrations.services import webhook_endpoint_create

    queue = app.conf.task_default_queue
    events = Events(webhook_endpoint_create(name=f"bench-{run}"), run)
    log_dir = Path(tempfile.mkdtemp(prefix="procbench-"))
    flush_broker(args.broker_url)
    burst_kind = CHAT if args.burst_kind == "chat" else CALL
    queries, speeds, bursted, memoried = {}, {}, None, None
    try:
        if "queries" not in args.skip:
            for kind in (CHAT, CALL):
                queries[kind] = queries_per_event(events, kind, args.query_events)
            report_queries(queries)
            batched = {
                kind: queries_in_batches(events, kind, args.query_events) for kind in (CHAT, CALL)
            }
            report_batches(queries, batched)
        if "throughput" not in args.skip or "burst" not in args.skip:
            for concurrency in (1, 2):
                if "throughput" in args.skip and concurrency == 1:
                    continue
                name = f"procbench-c{concurrency}"
                with running(env, concurrency, name, queue, log_dir) as worker:
                    warm_up(events, worker, args.warmup * concurrency)
                    if "throughput" not in args.skip:
                        tasks = ("event", "batch") if args.task == "both" else (args.task,)
                        for task in tasks:
                            for kind in (CHAT, CALL):
                                speeds[kind, concurrency, task] = throughput(
                                    events, worker, kind, args.events, task
                                )
                    if concurrency == 2 and "burst" not in args.skip:
                        bursted = burst(
                            events,
                            worker,
                            burst_kind,
                            args.burst,
                            args.burst_rate,
                            args.backlog_interval,
                        )
            if speeds:
                report_throughput(speeds)
            if bursted:
                report_burst(bursted, args.ingest_rps, args.backlog_interval)
        if "memory" not in args.skip:
            memoried = memory(events, env, args.memory_events, args.rss_interval, queue, log_dir)
            report_memory(memoried, memory_verdict(memoried), args.rss_interval)
    finally:
        flush_broker(args.broker_url)
    if any(log_dir.iterdir()):
        print(f"\nworker logs: {log_dir}")


if __name__ == "__main__":
    main()
