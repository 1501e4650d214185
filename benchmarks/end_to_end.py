"""Benchmark of the whole path under a steady load: deliveries at a fixed rate into a database of
a million calls, real workers processing them, and people reading while it runs.

    .venv/bin/python benchmarks/end_to_end.py                  # 100/s for 5 minutes
    .venv/bin/python benchmarks/end_to_end.py --rate 100 --seconds 60

Method and latest figures: ``benchmarks/README.md``, section 4.
"""

import argparse
import copy
import http.client
import itertools
import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import common
from common import BIN, ROOT, bench_database, manage, ms, production_env, serving
from read_at_scale import Surface, ensure_data, fetch, superuser_cookie

READERS = [
    Surface("read", "admin call list", "/admin/calls_app/callresult/"),
    Surface("read", "admin chat list", "/admin/sessions_app/chatsession/"),
    Surface("read", "dashboard, 7 days", "/dashboard/"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--rate", type=float, default=100.0, help="deliveries per second")
    parser.add_argument("--seconds", type=int, default=300, help="how long the load lasts")
    parser.add_argument("--drain-limit", type=int, default=300, help="seconds to wait after it")
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-processes", type=int, default=2, help="celery --concurrency")
    parser.add_argument("--quiet-requests", type=int, default=20, help="per page, before load")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds per backlog sample")
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/airudder_read_bench"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    bench_database(parser, args.database_url)
    if not 0 < args.rate <= 1000 or not 0 < args.seconds <= 3600:
        parser.error("--rate must be 0..1000 and --seconds 1..3600")
    return args


def bodies(run: str):
    """Endless distinct deliveries, chat and call in turn, from AI Rudder's examples, each
    pair to a customer of its own (a campaign's customers; one number called 15,000 times
    would make each call's number health read all of them)."""
    chat = json.loads(common.CHAT_EXAMPLE.read_text())
    call = json.loads(common.CALL_EXAMPLE.read_text())
    for index in itertools.count():
        number = f"+62812{index // 2:07d}"
        if index % 2:
            payload = copy.deepcopy(call)
            payload["call"]["call_id"] = f"e2e-{run}-call-{index:07d}"
            payload["call"]["callee_number"] = payload["callee"]["callee_number"] = number
            yield "call", json.dumps(payload).encode()
        else:
            payload = copy.deepcopy(chat)
            payload["call_id"] = f"e2e-{run}-chat-{index:07d}"
            payload["callee"] = number
            payload["timestamp"] += index
            yield "chat", json.dumps(payload).encode()


def post(port: int, path: str, body: bytes) -> tuple[float, int | str]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - started, response.status
    except (OSError, http.client.HTTPException):
        return time.perf_counter() - started, "error"
    finally:
        conn.close()


def backlog(database_url: str) -> tuple[int, int]:
    """Events still ``received`` and events processed so far (of this run's endpoint)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        received, processed = conn.execute(
            "SELECT count(*) FILTER (WHERE status = 'received'), "
            "count(*) FILTER (WHERE status = 'processed') FROM integrations_webhookevent "
            "WHERE endpoint_id = (SELECT max(id) FROM integrations_webhookendpoint)"
        ).fetchone()
    return received, processed


class Load:
    """Deliveries at a steady rate from a pool of client threads, each on a new connection."""

    def __init__(self, port: int, paths: dict[str, str], rate: float, run: str):
        self.port, self.paths, self.interval = port, paths, 1.0 / rate
        self.source = bodies(run)
        self.samples: list[float] = []
        self.statuses: dict = {}
        self.late = 0  # sends that started behind the schedule by more than a second
        self._lock = threading.Lock()

    def _send(self, kind: str, body: bytes) -> None:
        elapsed, status = post(self.port, self.paths[kind], body)
        with self._lock:
            self.samples.append(elapsed)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def run(self, seconds: int) -> None:
        with ThreadPoolExecutor(max_workers=32) as pool:
            start = time.monotonic()
            for index in itertools.count():
                due = start + index * self.interval
                if due - start >= seconds:
                    break
                if (wait := due - time.monotonic()) > 0:
                    time.sleep(wait)
                elif wait < -1:
                    self.late += 1
                pool.submit(self._send, *next(self.source))


def read_loop(port: int, cookie: str, stop: threading.Event, out: dict) -> None:
    """A person reading: the three pages in turn, one request at a time, until ``stop``."""
    for surface in itertools.cycle(READERS):
        if stop.is_set():
            return
        elapsed, status = fetch(port, cookie, surface)
        out.setdefault(surface.label, []).append(elapsed)
        if status != 200:
            out.setdefault("errors", []).append(f"{surface.label}: {status}")


def ensure_database(url: str) -> None:
    """The benchmark's database, created when missing (kept when there: its million calls)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    args = parse_args()
    run = time.strftime("%Y%m%d%H%M%S")
    env = production_env(args.database_url, args.broker_url)
    ensure_database(args.database_url)
    ensure_data(env, args.calls, args.sessions)
    endpoint = json.loads(manage(env, "create_endpoint", f"e2e-{run}", "--json"))
    paths = {
        "chat": urlsplit(endpoint["urls"]["chatbot_session_end"]).path,
        "call": urlsplit(endpoint["urls"]["call_result"]).path,
    }
    cookie = superuser_cookie()
    worker = subprocess.Popen(  # noqa: S603 - the venv's celery, fixed arguments
        [BIN / "celery", "-A", "config", "worker", "--loglevel=warning", "--pool=prefork",
         f"--concurrency={args.worker_processes}", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    timeline: list[tuple[float, int, int]] = []
    try:
        with serving("config.wsgi", workers=args.web_workers, port=args.port, env=env):
            quiet: dict = {}
            for surface in READERS:
                for _ in range(2):
                    fetch(args.port, cookie, surface)  # warm-up
                for _ in range(args.quiet_requests):
                    quiet.setdefault(surface.label, []).append(fetch(args.port, cookie, surface)[0])
            stop, busy = threading.Event(), {}
            reader = threading.Thread(target=read_loop, args=(args.port, cookie, stop, busy))
            load = Load(args.port, paths, args.rate, run)
            started = time.monotonic()

            def sample() -> None:
                while not stop.is_set():
                    timeline.append((time.monotonic() - started, *backlog(args.database_url)))
                    stop.wait(args.sample)

            sampler = threading.Thread(target=sample)
            reader.start()
            sampler.start()
            load.run(args.seconds)
            load_ended = time.monotonic() - started
            stop.set()
            reader.join()
            sampler.join()
            drained_at = None
            while time.monotonic() - started - load_ended < args.drain_limit:
                received, processed = backlog(args.database_url)
                timeline.append((time.monotonic() - started, received, processed))
                if received == 0:
                    drained_at = time.monotonic() - started - load_ended
                    break
                time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    report(args, load, quiet, busy, timeline, load_ended, drained_at)


def report(args, load, quiet, busy, timeline, load_ended, drained_at) -> None:
    sent = sum(load.statuses.values())
    print(
        f"\n{args.rate:g} deliveries/s for {args.seconds} s (chat and call in turn), "
        f"gunicorn {args.web_workers} workers, celery --concurrency {args.worker_processes}"
    )
    deliveries = ms(load.samples)
    print(
        f"deliveries: {sent} sent, answers {load.statuses}, {load.late} sent over 1 s late; "
        f"p50 {deliveries['p50']:.0f} ms, p95 {deliveries['p95']:.0f} ms, "
        f"p99 {deliveries['p99']:.0f} ms"
    )
    peak = max(received for _, received, _ in timeline)
    during = [(t, r, p) for t, r, p in timeline if t <= load_ended]
    rate = (during[-1][2] - during[0][2]) / (during[-1][0] - during[0][0]) if len(during) > 1 else 0
    print(f"backlog: peak {peak}, at the end of the load {during[-1][1] if during else '?'}; "
          f"processed {rate:.0f}/s during the load; "
          + (f"empty {drained_at:.0f} s after it" if drained_at is not None
             else f"not empty {args.drain_limit} s after it"))  # fmt: skip
    print("\n| seconds | backlog | processed |\n|---|---|---|")
    step = max(1, len(timeline) // 20)
    for t, received, processed in timeline[::step] + timeline[-1:]:
        print(f"| {t:.0f} | {received} | {processed} |")
    print("\n| page | quiet p50 | quiet p95 | busy p50 | busy p95 | busy n | x quiet p95 |")
    print("|---|---|---|---|---|---|---|")
    for surface in READERS:
        q, b = ms(quiet[surface.label]), ms(busy.get(surface.label, [0.0]))
        print(
            f"| {surface.label} | {q['p50']:.0f} | {q['p95']:.0f} | {b['p50']:.0f} "
            f"| {b['p95']:.0f} | {b['n']} | {b['p95'] / q['p95']:.1f} |"
        )
    if busy.get("errors"):
        print(f"reading errors: {busy['errors'][:10]}")


if __name__ == "__main__":
    main()
