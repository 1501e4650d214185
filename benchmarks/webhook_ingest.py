"""Benchmark of the webhook's hot path (store, answer 200) and of processing one event.

    .venv/bin/python benchmarks/webhook_ingest.py --requests 2000 --concurrency 16

Method and latest figures: ``benchmarks/README.md`` (1).
"""

import argparse
import copy
import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import common
from common import manage, ms, serving


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="new notifications to send")
    parser.add_argument("--retries", type=int, default=500, help="repeats of sent ones to send")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections at once")
    parser.add_argument(
        "--workers", type=int, default=4, help="gunicorn workers (threaded, config/gunicorn.py)"
    )
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DJANGO_CONN_MAX_AGE of the server (60 as in production; 0: one per request)",
    )
    parser.add_argument("--process", type=int, default=300, help="events to time processing of")
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/airudder_bench")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    common.bench_database(parser, args.database_url)
    if not 0 < args.requests <= 100_000 or not 0 < args.concurrency <= 64:
        parser.error("--requests must be 1..100000 and --concurrency 1..64")
    return args


def chat_bodies(count: int, run: str) -> list[bytes]:
    """Distinct notifications built from AI Rudder's example: each is a new event."""
    example = json.loads(common.CHAT_EXAMPLE.read_text())
    bodies = []
    for index in range(count):
        payload = copy.deepcopy(example)
        payload["call_id"] = f"bench-{run}-{index:06d}"
        payload["timestamp"] += index
        bodies.append(json.dumps(payload).encode())
    return bodies


def post(port: int, path: str, body: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "X-AIRudder-Sign": ""},
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return time.perf_counter() - started, status


def fire(port: int, path: str, bodies: list[bytes], concurrency: int) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda body: post(port, path, body), bodies))
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for latency, _ in results)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    # Only answers that stored the delivery count as throughput.
    ok = sum(count for status, count in statuses.items() if status == 200)
    return {"elapsed": elapsed, "rps": ok / elapsed, "statuses": statuses, **ms(latencies)}


def time_processing(env: dict, count: int, run: str) -> dict:
    """Time ``webhook_event_process`` on stored chat events and on call-result events."""
    common.django_setup(env)
    from config.celery import app as celery_app
    from integrations.models import WebhookEndpoint, WebhookEvent
    from integrations.services import webhook_event_process, webhook_event_receive

    chat_ids = list(
        WebhookEvent.objects.filter(kind="chatbot_session_end", status=WebhookEvent.Status.RECEIVED)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    endpoint = WebhookEndpoint.objects.get(name=f"bench-{run}")
    example = json.loads(common.CALL_EXAMPLE.read_text())
    call_ids = []
    for index in range(count):
        payload = copy.deepcopy(example)
        payload["call"]["call_id"] = f"bench-{run}-call-{index:06d}"
        delivery = webhook_event_receive(
            endpoint=endpoint,
            kind="call_result",
            body=json.dumps(payload).encode(),
            headers={},
            remote_addr="127.0.0.1",
        )
        call_ids.append(delivery.event.pk)
    timings = {}
    for label, ids in (("chat session end (16 messages)", chat_ids), ("call result", call_ids)):
        samples = []
        for event_id in ids:
            started = time.perf_counter()
            event = webhook_event_process(event_id=event_id)
            samples.append(time.perf_counter() - started)
            if event.status != WebhookEvent.Status.PROCESSED:
                raise SystemExit(f"event {event_id} ended {event.status}: {event.error}")
        timings[label] = ms(samples)
    celery_app.control.purge()  # the queued tasks of this run: nobody will consume them
    return timings


def create_ceiling_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, body bytea)"
        )


def main() -> None:
    args = parse_args()
    run = time.strftime("%Y%m%d%H%M%S")
    env = common.production_env(args.database_url, args.broker_url, args.conn_max_age)
    common.recreate_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    endpoint = json.loads(manage(env, "create_endpoint", f"bench-{run}", "--json"))
    path = urlsplit(endpoint["urls"]["chatbot_session_end"]).path
    create_ceiling_table(args.database_url)
    bodies = chat_bodies(args.requests, run)
    with serving("benchmarks.ceiling_wsgi", workers=args.workers, port=args.port, env=env):
        fire(args.port, path, chat_bodies(50, f"{run}-ceiling-warmup"), args.concurrency)
        ceiling = fire(args.port, path, bodies, args.concurrency)
    with serving("config.wsgi", workers=args.workers, port=args.port, env=env):
        fire(args.port, path, chat_bodies(50, f"{run}-warmup"), args.concurrency)
        new = fire(args.port, path, bodies, args.concurrency)
        retries = fire(args.port, path, bodies[: args.retries], args.concurrency)
    processing = time_processing(env, args.process, run)

    print(
        f"\nwebhook, {args.concurrency} client threads, gunicorn -c config/gunicorn.py "
        f"({args.workers} workers), DJANGO_CONN_MAX_AGE={args.conn_max_age}"
    )
    print("| deliveries | n | req/s | mean ms | p50 ms | p95 ms | p99 ms | max ms | answers |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = (
        ("ceiling: INSERT of the raw body only", ceiling),
        ("new notifications", new),
        ("retries (duplicates)", retries),
    )
    for label, result in rows:
        print(
            f"| {label} | {result['n']} | {result['rps']:.0f} | {result['mean']:.1f} "
            f"| {result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} "
            f"| {result['max']:.1f} | {result['statuses']} |"
        )
    print(
        f"\nthroughput {new['rps'] / ceiling['rps']:.0%} of the ceiling; "
        f"p99 {new['p99'] / ceiling['p99']:.2f} x the ceiling's"
    )
    print("\nprocessing one event (webhook_event_process, in-process)")
    print("| event | n | mean ms | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for label, result in processing.items():
        print(
            f"| {label} | {result['n']} | {result['mean']:.1f} | {result['p50']:.1f} "
            f"| {result['p95']:.1f} | {result['p99']:.1f} | {result['max']:.1f} |"
        )


if __name__ == "__main__":
    main()
