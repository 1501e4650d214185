"""Benchmark of reading at scale: every page, API call and export at a million calls.

    .venv/bin/python benchmarks/read_at_scale.py            # 1,000,000 calls, 200,000 sessions

Method and latest figures: ``benchmarks/README.md``, section 3.
"""

import argparse
import http.client
import json
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from common import (
    bench_database,
    django_setup,
    ensure_database,
    manage,
    ms,
    production_env,
    serving,
)

SLOW_STOP_SECONDS = 3.0
REQUEST_TIMEOUT = 70  # gunicorn's own is 60 s (config/gunicorn.py)
TARGET_MS = 300


@dataclass(frozen=True)
class Surface:
    group: str
    label: str
    url: str
    first_byte: bool = False  # a streamed export: time to its first row

    @property
    def target_ms(self) -> int:
        return 1000 if self.first_byte else TARGET_MS


WARM_UP = [
    Surface("warm-up", path, path)
    for path in ("/admin/calls_app/callresult/?p=3", "/admin/calls_app/callresult/1/change/",
                 "/api/sessions/?intention=none",
                 "/dashboard/?date_from=2000-01-01&date_to=2000-01-02")
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per surface")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--only", default="", help="only surfaces whose label contains this")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/airudder_read_bench"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    bench_database(parser, args.database_url)
    if not 0 < args.requests <= 1000:
        parser.error("--requests must be 1..1000")
    return args


def ensure_data(env: dict, calls: int, sessions: int) -> None:
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    django_setup(env)

    from calls_app.models import CallResult
    from collections_app.models import Contact
    from sessions_app.models import ChatSession

    records = CallResult.objects.count() + ChatSession.objects.count()
    if (
        CallResult.objects.count() < calls
        or ChatSession.objects.count() < sessions
        or Contact.objects.count() < records  # generated before collections were
    ):
        generate(env, calls, sessions)
    # What beat has done in production by then: the dashboard's closed days rolled up.
    print(manage(env, "roll_outcomes"))


def generate(env: dict, calls: int, sessions: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE calls_app_callresult, sessions_app_chatsession, integrations_workflow, "
            "dashboard_outcomeday, dashboard_rolledday, collections_app_outcome, "
            "collections_app_numberhealth RESTART IDENTITY CASCADE"
        )
    started = time.monotonic()
    print(manage(env, "generate_demo_data", "--calls", str(calls), "--sessions", str(sessions)))
    print(f"generated in {time.monotonic() - started:.0f} s")
    connection.close()
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def superuser_cookie() -> str:
    """A real session of a superuser, in the database the server reads."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-reader", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(SERVER_NAME="127.0.0.1")  # an allowed host
    client.force_login(user)
    return client.cookies["sessionid"].value


def surfaces() -> list[Surface]:
    """Every page, API call and export, with values taken from the data."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from calls_app.models import CallResult, TranscriptTurn
    from sessions_app.models import ChatSession

    call = CallResult.objects.order_by("-id").first()
    session = ChatSession.objects.order_by("-id").first()
    top = (
        CallResult.objects.exclude(intention="")
        .values("intention", "workflow__workflow_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    intention, workflow_id = top["intention"], top["workflow__workflow_id"]
    session_intention = (
        ChatSession.objects.exclude(intention="")
        .values("intention")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )["intention"]
    words = " ".join(
        TranscriptTurn.objects.exclude(customer_text="")
        .values_list("customer_text", flat=True)
        .first()
        .split()[:2]
    )
    today = timezone.localdate()
    week = {"date_from": today - dt.timedelta(days=6), "date_to": today}
    year = {"date_from": today - dt.timedelta(days=365), "date_to": today}
    phone = call.callee_number
    name = call.callee_name

    def q(**params) -> str:
        return "?" + urlencode(params) if params else ""

    calls, sessions = "/admin/calls_app/callresult/", "/admin/sessions_app/chatsession/"
    events, workflows = "/admin/integrations/webhookevent/", "/admin/integrations/workflow/"
    out = [
        Surface("admin calls", "list", calls),
        Surface("admin calls", "filter intention", calls + q(intention=intention)),
        Surface("admin calls", "filter workflow", calls + q(workflow_id=workflow_id)),
        Surface("admin calls", "filter hangup type", calls + q(hangup_type="user_hangup")),
        Surface("admin calls", "filter ring type", calls + q(ring_type="busy")),
        Surface("admin calls", "filter answered", calls + q(answered__exact=1)),
        Surface("admin calls", "filter robot", calls + q(robot_id=call.robot_id)),
        Surface("admin calls", "filter last 7 days", calls + q(**week)),
        Surface("admin calls", "filter month (date hierarchy)", calls + q(
            started_at__year=call.started_at.year, started_at__month=call.started_at.month)),
        Surface("admin calls", "sort start time ascending", calls + q(o=1)),
        Surface("admin calls", "sort duration", calls + q(o="-10")),
        Surface("admin calls", "sort duration ascending", calls + q(o=10)),
        Surface("admin calls", "sort intention", calls + q(o=6)),
        Surface("admin calls", "sort intention descending", calls + q(o="-6")),
        Surface("admin calls", "page 2,000", calls + q(p=2000)),
        Surface("admin calls", "search call id", calls + q(q=call.call_id)),
        Surface("admin calls", "search phone", calls + q(q=phone)),
        Surface("admin calls", "search name", calls + q(q=name)),
        Surface("admin calls", "search transcript words", calls + q(q=words)),
        Surface("admin calls", "call page", f"{calls}{call.pk}/change/"),
        Surface("admin sessions", "list", sessions),
        Surface("admin sessions", "filter intention", sessions + q(intention=session_intention)),
        Surface("admin sessions", "filter end reason", sessions + q(end_reason="user")),
        Surface("admin sessions", "filter last 7 days", sessions + q(**week)),
        Surface("admin sessions", "sort duration", sessions + q(o="-8")),
        Surface("admin sessions", "sort duration ascending", sessions + q(o=8)),
        Surface("admin sessions", "page 2,000", sessions + q(p=2000)),
        Surface("admin sessions", "search call id", sessions + q(q=session.call_id)),
        Surface("admin sessions", "search phone", sessions + q(q=session.callee)),
        Surface("admin sessions", "search message words", sessions + q(q="pay tomorrow")),
        Surface("admin sessions", "session page", f"{sessions}{session.pk}/change/"),
        Surface("admin other", "workflows", workflows),
        Surface("admin other", "workflows by calls", workflows + q(o="-6")),
        Surface("admin other", "events", events),
        Surface("admin other", "events failed", events + q(status__exact="failed")),
        Surface("admin other", "audit log", "/admin/integrations/auditentry/"),
        Surface("admin other", "customer history", f"/admin/customers/history/?call={call.pk}"),
        Surface("admin other", "inbox health", "/dashboard/inbox/"),
        Surface("api", "calls", "/api/calls/"),
        Surface("api", "calls intention", "/api/calls/" + q(intention=intention)),
        Surface("api", "calls workflow, 7 days",
                "/api/calls/" + q(workflow_id=workflow_id, **week)),
        Surface("api", "calls by phone", "/api/calls/" + q(callee=phone)),
        Surface("api", "call detail", f"/api/calls/{call.call_id}/"),
        Surface("api", "sessions", "/api/sessions/"),
        Surface("api", "sessions intention", "/api/sessions/" + q(intention=session_intention)),
        Surface("api", "session detail", f"/api/sessions/{session.call_id}/"),
        Surface("api", "outcomes calls total", "/api/outcomes/" + q(kind="calls")),
        Surface("api", "outcomes calls by intention, 12 months",
                "/api/outcomes/" + q(kind="calls", group_by="intention", **year)),
        Surface("api", "outcomes calls by workflow+intention",
                "/api/outcomes/" + q(kind="calls", group_by="workflow,intention")),
        Surface("api", "outcomes sessions by end reason",
                "/api/outcomes/" + q(kind="sessions", group_by="end_reason")),
        Surface("dashboard", "7 days (default)", "/dashboard/"),
        Surface("dashboard", "12 months", "/dashboard/" + q(**year)),
        Surface("dashboard", "12 months, one workflow", "/dashboard/" + q(
            workflow_id=workflow_id, **year)),
        Surface("dashboard", "table CSV, 12 months",
                "/dashboard/tables/call-intentions.csv" + q(**year)),
        Surface("export", "calls CSV, 12 months (first row)",
                "/dashboard/export/calls.csv" + q(**year), first_byte=True),
        Surface("export", "sessions CSV, 12 months (first row)",
                "/dashboard/export/sessions.csv" + q(**year), first_byte=True),
        Surface("export", "admin calls CSV, intention (first row)",
                calls + "export-csv/" + q(intention=intention), first_byte=True),
    ]  # fmt: skip
    return out + collections_surfaces(q, year)


def collections_surfaces(q, year: dict) -> list[Surface]:
    """The collections pages and APIs, with values taken from the data: the commonest promising
    workflow and the commonest outcome group first, a case with promises."""
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from collections_app.models import Contact, Outcome, Promise
    from records.models import Workflow

    group = (
        Contact.objects.filter(source="call", answered=True)
        .values("group")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )["group"]
    promise = Promise.objects.exclude(case_id="").order_by("-made_at").first()
    promising_intention = (
        Outcome.objects.filter(kind="calls", group="promise_to_pay")
        .values_list("code", flat=True)
        .first()
    )
    top = Promise.objects.values("workflow_id").annotate(n=Count("id")).order_by("-n")[:2]
    promising, other = (Workflow.objects.get(pk=row["workflow_id"]) for row in top)
    today = timezone.localdate()
    fortnight = {
        "promised_from": today - dt.timedelta(days=7),
        "promised_to": today + dt.timedelta(days=7),
    }
    compare = {"a": promising.workflow_id, "b": other.workflow_id, **year}
    promises, numbers = "/admin/collections_app/promise/", "/admin/collections_app/numberhealth/"
    return [
        Surface("collections dashboard", "12 months, outcome group",
                "/dashboard/" + q(outcome_group=group, **year)),
        Surface("collections dashboard", "12 months, intention",
                "/dashboard/" + q(intention=promising_intention, **year)),
        Surface("collections api", "outcomes calls by hour",
                "/api/outcomes/" + q(kind="calls", group_by="hour")),
        Surface("collections api", "outcomes calls by weekday",
                "/api/outcomes/" + q(kind="calls", group_by="weekday")),
        Surface("collections api", "outcomes calls by outcome group",
                "/api/outcomes/" + q(kind="calls", group_by="outcome_group")),
        Surface("collections admin", "promises", promises),
        Surface("collections admin", "promises lapsed", promises + q(status="lapsed")),
        Surface("collections admin", "promises due", promises + q(status="due")),
        Surface("collections admin", "promises workflow",
                promises + q(workflow__id__exact=promising.pk)),
        Surface("collections admin", "promises CSV (first row)",
                promises + "export-csv/", first_byte=True),
        Surface("collections admin", "number health", numbers),
        Surface("collections admin", "number health unreachable",
                numbers + q(health="unreachable")),
        Surface("collections pages", "promises due today", "/collections/promises/due/"),
        Surface("collections pages", "compare, 12 months", "/collections/compare/" + q(**compare)),
        Surface("collections api", "promises", "/api/promises/"),
        Surface("collections api", "promises open", "/api/promises/" + q(status="open")),
        Surface("collections api", "promises due", "/api/promises/" + q(status="due")),
        Surface("collections api", "promises promised in a fortnight",
                "/api/promises/" + q(**fortnight)),
        Surface("collections api", "promises workflow",
                "/api/promises/" + q(workflow_id=promising.workflow_id)),
        Surface("collections api", "promises case id",
                "/api/promises/" + q(case_id=promise.case_id)),
        Surface("collections api", "numbers unreachable",
                "/api/numbers/" + q(health="unreachable")),
        Surface("collections api", "compare, 12 months", "/api/compare/" + q(**compare)),
    ]  # fmt: skip


def fetch(port: int, cookie: str, surface: Surface) -> tuple[float, int | str]:
    """The time to the answer's last byte (an export's first row) and its status; a request
    that gunicorn's 60 s timeout cuts off counts its whole wait, as "timeout"."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", surface.url, headers={"Cookie": f"sessionid={cookie}"})
        response = conn.getresponse()
        if surface.first_byte:
            response.readline()  # the header row
            response.readline()  # the first record
        else:
            response.read()
        return time.perf_counter() - started, response.status
    except (TimeoutError, http.client.HTTPException, ConnectionError):
        return time.perf_counter() - started, "timeout"
    finally:
        conn.close()


def time_surface(port: int, cookie: str, surface: Surface, requests: int) -> dict:
    samples, statuses = [], set()
    for _ in range(2):
        elapsed, status = fetch(port, cookie, surface)
        if elapsed > SLOW_STOP_SECONDS:  # no need to wait that long twice more to know
            return {**ms([elapsed]), "statuses": [status]}
    for index in range(requests):
        elapsed, status = fetch(port, cookie, surface)
        samples.append(elapsed)
        statuses.add(status)
        if index >= 4 and statistics.median(samples) > SLOW_STOP_SECONDS:
            break
    return {**ms(samples), "statuses": sorted(statuses, key=str)}


def count_queries(surface: Surface) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")  # an allowed host
    client.force_login(get_user_model().objects.get(username="bench-reader"))
    with connection.cursor() as cursor:  # as gunicorn would cut it off
        cursor.execute(f"SET statement_timeout = '{REQUEST_TIMEOUT}s'")
    failure = None
    with CaptureQueriesContext(connection) as captured:
        try:
            response = client.get(surface.url)
            if surface.first_byte:
                next(iter(response.streaming_content), None)
        except Exception as exc:  # reported, and the run goes on
            failure = f"failed: {exc}"[:300]
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    if failure:
        queries.append((REQUEST_TIMEOUT * 1000.0, failure))
    slowest = max(queries, default=(0.0, ""))
    return {
        "queries": len(queries),
        "db_ms": sum(t for t, _ in queries),
        "slowest_ms": slowest[0],
        "slowest_sql": slowest[1][:300],
    }


def main() -> None:
    args = parse_args()
    env = production_env(args.database_url, args.broker_url)
    ensure_data(env, args.calls, args.sessions)
    cookie = superuser_cookie()
    chosen = [s for s in surfaces() if args.only in f"{s.group} {s.label}"]
    results = []
    with serving("config.wsgi", workers=args.workers, port=args.port, env=env):
        for surface in WARM_UP:  # every worker loads its templates and code once
            for _ in range(4 * args.workers):
                fetch(args.port, cookie, surface)
        for surface in chosen:
            timing = time_surface(args.port, cookie, surface, args.requests)
            results.append({"surface": surface, **timing})
            print(f"{surface.group}: {surface.label}: p50 {timing['p50']:.0f} ms, "
                  f"p95 {timing['p95']:.0f} ms {timing['statuses']}", flush=True)  # fmt: skip
    for result in results:
        result.update(count_queries(result["surface"]))

    from calls_app.models import CallResult
    from sessions_app.models import ChatSession

    over = [r for r in results if r["p95"] > r["surface"].target_ms]
    print(
        f"\n{CallResult.objects.count():,} calls, {ChatSession.objects.count():,} chat sessions; "
        f"gunicorn -c config/gunicorn.py, {args.workers} workers; {args.requests} requests each"
    )
    print("| surface | p50 ms | p95 ms | n | status | queries | DB ms | slowest query ms |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r["surface"]
        mark = " **over**" if r in over else ""
        print(
            f"| {s.group}: {s.label} | {r['p50']:.0f} | {r['p95']:.0f}{mark} | {r['n']} "
            f"| {','.join(map(str, r['statuses']))} | {r['queries']} | {r['db_ms']:.0f} "
            f"| {r['slowest_ms']:.0f} |"
        )
    print(f"\n{len(results) - len(over)} of {len(results)} within target "
          f"(p95 {TARGET_MS} ms; exports' first row 1 s)")  # fmt: skip
    for r in over:
        print(f"- {r['surface'].group}: {r['surface'].label} ({r['surface'].url}): "
              f"slowest query {r['slowest_ms']:.0f} ms: {r['slowest_sql']}")  # fmt: skip
    if args.json:
        with open(args.json, "w") as out:
            rows = [{**r, "surface": vars(r["surface"])} for r in results]
            json.dump(rows, out, indent=1, default=str)


if __name__ == "__main__":
    main()
