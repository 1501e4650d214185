"""What the benchmarks share: the production-like environment, gunicorn, and percentiles.

Every benchmark runs the project as production does (``DJANGO_DEBUG=off``, PostgreSQL, Redis,
``gunicorn -c config/gunicorn.py``) on a database of its own, whose name must contain "bench"
so that a benchmark never touches a database someone works in.
"""

import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "benchmark-only-not-secret"  # noqa: S105 - a loopback benchmark
# AI Rudder's example bodies, the deliveries every benchmark sends.
CHAT_EXAMPLE = ROOT / "sessions_app" / "examples" / "chatbot_session_end.json"
CALL_EXAMPLE = ROOT / "calls_app" / "examples" / "custom_api_node_push.json"


def bench_database(parser, url: str) -> None:
    """Refuse a database that is not the benchmark's own."""
    if "bench" not in urlsplit(url).path:
        parser.error("--database-url must name a database of the benchmark's own ('bench' in it)")


def production_env(database_url: str, broker_url: str, conn_max_age: int = 60) -> dict:
    """The environment of a production server, on loopback and the benchmark's own stores."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_SHARED_CACHE_URL": broker_url,  # the dashboard's rolled rows, every web worker
        "DJANGO_DEBUG": "off",
        "DJANGO_SECURE_SSL_REDIRECT": "off",  # gunicorn is reached over plain HTTP here
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CONN_MAX_AGE": str(conn_max_age),
    }


def django_setup(env: dict) -> None:
    """Set Django up in this process with ``env`` (for in-process measurements)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(url: str) -> None:
    """Create the benchmark's database when the machine has none yet (a fresh clone)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return result.stdout.decode()


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not come up on port {port}")


@contextlib.contextmanager
def serving(app: str, *, workers: int, port: int, env: dict):
    """gunicorn with the production configuration, serving ``app`` until the block ends."""
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [BIN / "gunicorn", "-c", "config/gunicorn.py", app, "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a long request
            server.kill()
            server.wait(timeout=30)


def ms(samples: list[float]) -> dict:
    """Percentiles of ``samples`` (seconds), in milliseconds."""
    samples = sorted(samples)

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(p / 100 * len(samples)))] * 1000

    return {
        "n": len(samples),
        "mean": statistics.fmean(samples) * 1000,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": samples[-1] * 1000,
    }
