"""gunicorn's production configuration (config/gunicorn.py), loaded the way gunicorn loads it."""

import runpy
import types
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
