"""Benchmark of the streamed CSV export of call results against building the file in memory.

    .venv/bin/python benchmarks/csv_export.py --rows 200000

Method and latest figures: ``benchmarks/README_csv.md``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MODES = ("streamed", "in-memory")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--database-url", default="sqlite:////tmp/airudder_csv_bench.sqlite3", help="own database"
    )
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help="comma-separated, among: streamed, in-memory (which needs ~6 KiB per row)",
    )
    parser.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if "bench" not in urlsplit(args.database_url).path:
        parser.error("--database-url must name a database of the benchmark's own ('bench' in it)")
    if not 0 < args.rows <= 5_000_000:
        parser.error("--rows must be 1..5000000")
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if not args.modes or set(args.modes) - set(MODES):
        parser.error(f"--modes must be among: {', '.join(MODES)}")
    return args


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        Path(parts.path).unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(rows: int) -> None:
    """``rows`` call results over 30 days and 5 workflows, written 5000 at a time."""
    import datetime as dt

    from django.contrib.auth.models import Permission, User
    from django.core.management import call_command
    from django.utils import timezone

    from calls_app.models import CallResult
    from records.models import Workflow

    call_command("migrate", verbosity=0)
    workflows = [
        Workflow.objects.create(workflow_id=f"bench-wf-{n}", name=f"Workflow {n}") for n in range(5)
    ]
    manager = User.objects.create_user("bench")  # no password: it never logs in
    manager.user_permissions.set(
        Permission.objects.filter(codename__in=["view_callresult", "export_csv"])
    )
    start = timezone.now() - dt.timedelta(days=30)
    intentions = ["A", "B", "E", "F", ""]
    batch = 5000
    for first in range(0, rows, batch):
        CallResult.objects.bulk_create(
            CallResult(
                call_id=f"bench-call-{n:08d}",
                workflow=workflows[n % 5],
                task_id="b1a9e2ea8xxxxxxxx1551b6454b414b",
                robot_id=str(4000 + n % 7),
                callee_number=f"+62812{n:08d}",
                caller_number="+950000000088",
                case_id=f"case-{n}",
                callee_name="WILL SMITH",
                contact_number=f"+62812{n:08d}",
                time_zone="Asia/Jakarta",
                started_at=start + dt.timedelta(seconds=n * 13),
                ended_at=start + dt.timedelta(seconds=n * 13 + 45 * (n % 2)),
                answered=bool(n % 2),
                talk_seconds=45 * (n % 2),
                call_times=1,
                ring_time=3,
                ring_type="normal",
                hangup_type="ByCallee" if n % 3 else "ByRobot",
                intention=intentions[n % 5],
                intention_description="No Voice",
                talk_round=n % 6,
                last_pushed_at=start,
            )
            for n in range(first, min(first + batch, rows))
        )


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss() -> None:
    """Start the peak (VmHWM) afresh at the current size, so it measures the export only.

    ``getrusage``'s ``ru_maxrss`` cannot be used: Linux carries it over from the parent
    process across fork and exec, so a child would report the seeding parent's peak.
    """
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def measure(mode: str, trace: bool) -> dict:
    """Export every call once; the time, the bytes, and how much memory it took."""
    from django.contrib.auth.models import User
    from django.http import HttpResponse
    from django.test import RequestFactory

    from calls_app.exports import CALL_RESULTS_CSV
    from calls_app.models import CallResult
    from dashboard.views import records_csv
    from records.exports import csv_lines

    request = RequestFactory().get("/dashboard/export/calls.csv")
    request.user = User.objects.get(username="bench")  # a manager: numbers and names masked
    CallResult.objects.first()  # connect and warm up outside the measurement
    if trace:
        tracemalloc.start()
    _reset_peak_rss()
    rss_before = _status_kib("VmRSS")
    began = time.perf_counter()
    size = 0
    if mode == "streamed":
        response = records_csv(request, kind="calls")
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        calls = list(CallResult.objects.select_related("workflow"))
        lines = csv_lines(calls, CALL_RESULTS_CSV.columns, reveal=False)
        response = HttpResponse("".join(lines), content_type="text/csv")
        size = len(response.content)
    seconds = time.perf_counter() - began
    result = {
        "mode": mode,
        "rows": CallResult.objects.count(),
        "bytes": size,
        "seconds": round(seconds, 2),
        "peak_rss_growth_mib": round((_status_kib("VmHWM") - rss_before) / 1024, 1),
    }
    if trace:
        result["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return result


def run_child(args, mode: str, trace: bool) -> dict:
    command = [sys.executable, __file__, "--rows", str(args.rows), "--database-url",
               args.database_url, "--measure", mode, *(["--trace"] if trace else [])]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, cwd=ROOT)  # noqa: S603
    return json.loads(output.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    args = parse_args()
    if args.measure:
        setup_django(args.database_url)
        print(json.dumps(measure(args.measure, args.trace)))
        return
    reset_database(args.database_url)
    setup_django(args.database_url)
    began = time.perf_counter()
    seed(args.rows)
    print(f"seeded {args.rows} call results in {time.perf_counter() - began:.1f} s")
    for mode in args.modes:
        plain = run_child(args, mode, trace=False)
        traced = run_child(args, mode, trace=True)
        plain["tracemalloc_peak_mib"] = traced["tracemalloc_peak_mib"]
        print(json.dumps(plain))


if __name__ == "__main__":
    main()
