"""gunicorn's production configuration (config/gunicorn.py), loaded the way gunicorn loads it."""

import contextlib
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.request
from datetime import timedelta
from pathlib import Path

from gunicorn.config import Config

CONFIG = Path(__file__).resolve().parent.parent / "config" / "gunicorn.py"
TOKEN = "s3cr3t-t0ken-of-the-endpoint-aaaaaaaaaaaa"


def _settings() -> dict:
    return runpy.run_path(str(CONFIG))


def test_workers_are_threaded_so_slow_clients_hold_a_thread_not_a_worker():
    settings = _settings()

    assert settings["worker_class"] == "gthread"
    assert settings["threads"] >= 4
    assert settings["timeout"] <= 120


def test_the_access_log_never_shows_a_webhook_token():
    settings = _settings()
    config = Config()
    config.set("accesslog", "-")
    logger = settings["logger_class"](config)
    path = f"/webhooks/airudder/{TOKEN}/call-result/"
    request = types.SimpleNamespace(
        headers=[("USER-AGENT", "curl")], method="POST", path=path, query="", version=(1, 1)
    )
    response = types.SimpleNamespace(status="404 Not Found", response_length=10, headers=[])
    environ = {
        "RAW_URI": path,
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))

    line = config.access_log_format % atoms
    assert TOKEN not in line
    assert TOKEN not in " ".join(str(v) for v in atoms.values())
    assert "/webhooks/airudder/<token>/call-result/" in line


def _serving(port: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "config.wsgi"]
    return subprocess.Popen(  # noqa: S603 - this interpreter, our own configuration
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1"],
        cwd=CONFIG.parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _answers(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                return answer.status == 200
        except OSError:
            time.sleep(0.1)
    return False


def _alive_in(group: int) -> list[int]:
    """The processes of a process group that still run: a zombie (killed, not yet reaped by
    whichever init adopted it) holds no port."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its ")".
            state, _ppid, pgrp = stat.read_text().rpartition(")")[2].split()[:3]
            if int(pgrp) == group and state != "Z":
                alive.append(int(stat.parent.name))
    return alive


def _gone(group: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive_in(group):
            return True
        time.sleep(0.05)
    return False


def test_a_restart_right_after_the_master_is_killed_binds_and_serves(tmp_path):
    """``kill -9`` of the master takes its worker with it, even one busy with a slow client:
    the port is free for the restart. One worker stands for all: each asks for the same
    parent-death signal when it is forked (``post_fork``), and each starts a Django."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_DEBUG": "on",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    first = _serving(port, env)
    try:
        assert _answers(port, 20)
        slow_client = socket.create_connection(("127.0.0.1", port))
        slow_client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
        time.sleep(0.3)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(5)
        assert _gone(first.pid, 2), "a worker outlived its master and may still hold the port"
        second = _serving(port, env)
        try:
            assert _answers(port, 5), "the restarted server could not bind or serve"
            assert second.poll() is None
        finally:
            slow_client.close()
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
