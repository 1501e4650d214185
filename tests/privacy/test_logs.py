"""Nothing personal in any log line: real requests carrying a customer's number and name in
their URL (a search, the ``callee`` filter, a lookup, a login's ``next``, the referrer) through
Django's logging configuration and through gunicorn's access and error logs."""

import os
import runpy
import subprocess
import sys
import types
from datetime import timedelta
from pathlib import Path

from gunicorn.config import Config

from integrations.logging import redact

ROOT = Path(__file__).resolve().parents[2]
NUMBER = "6281234569092"
SECRETS = (NUMBER, "WILL", "SMITH", "1234569092")
QUERIES = [
    "/admin/calls_app/callresult/?q=%2B6281234569092",
    "/admin/calls_app/callresult/?o=1&q=WILL+SMITH",
    "/api/calls/?callee=%2B6281234569092&page_size=5",
    "/admin/calls_app/callresult/?callee_number__startswith=%2B6281234569092",
    "/admin/calls_app/callresult/?callee_name=WILL%20SMITH",
    "/admin/login/?next=/admin/calls_app/callresult/%3Fq%3D%252B6281234569092",
    "/admin/calls_app/callresult/1/change/?_changelist_filters=q%3D%252B6281234569092",
    "/no-such-page/?phone=6281234569092",
]

SERVER = """
import threading, urllib.error, urllib.request
import django
django.setup()
from django.core.servers import basehttp
server = basehttp.WSGIServer(("127.0.0.1", 0), basehttp.WSGIRequestHandler)
server.set_app(basehttp.get_internal_wsgi_application())
threading.Thread(target=server.serve_forever, daemon=True).start()
opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,), {
    "redirect_request": lambda *a, **k: None}))
for path in PATHS:
    request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}{path}",
                                     headers={"Referer": "http://x/admin/?q=WILL%20SMITH"})
    try:
        opener.open(request, timeout=20).read()
    except urllib.error.HTTPError:
        pass
server.shutdown()
print("requests done")
"""


def test_django_logs_of_real_requests_hold_no_number_name_or_search():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="on")
    result = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", f"PATHS = {QUERIES!r}\n{SERVER}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "requests done" in result.stdout, result.stderr[-2000:]
    logged = result.stderr
    assert logged.count("HTTP/1.1") >= len(QUERIES), logged  # every request line was logged
    assert "[redacted]" in logged
    leaked = [secret for secret in SECRETS if secret in logged]
    assert not leaked, logged


def _gunicorn_logger(tmp_path):
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    return settings["logger_class"](config)


def test_gunicorns_access_and_error_logs_hold_no_number_name_or_search(tmp_path):
    logger = _gunicorn_logger(tmp_path)
    for url in QUERIES:
        path, _, query = url.partition("?")
        request = types.SimpleNamespace(
            headers=[("USER-AGENT", "curl"), ("REFERER", "https://x/admin/?q=WILL%20SMITH")],
            method="GET", path=path, query=query, version=(1, 1), uri=url,
        )  # fmt: skip
        response = types.SimpleNamespace(status="200 OK", response_length=10, headers=[])
        environ = {
            "RAW_URI": url, "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
            "HTTP_REFERER": "https://x/admin/?q=WILL%20SMITH",
        }  # fmt: skip
        logger.access(response, request, environ, timedelta(milliseconds=5))
    logger.error("Invalid request from ip=203.0.113.9: %s", QUERIES[0])
    for handler in (*logger.access_log.handlers, *logger.error_log.handlers):
        handler.flush()
    access = (tmp_path / "access.log").read_text()
    errors = (tmp_path / "error.log").read_text()
    assert access.count("GET") == len(QUERIES) and "[redacted]" in access
    for log in (access, errors):
        leaked = [secret for secret in SECRETS if secret in log]
        assert not leaked, log


def test_the_query_atoms_and_every_format_are_redacted(tmp_path):
    logger = _gunicorn_logger(tmp_path)
    request = types.SimpleNamespace(
        headers=[], method="GET", path="/api/calls/", query=f"callee=%2B{NUMBER}&q={NUMBER}",
        version=(1, 1),
    )  # fmt: skip
    response = types.SimpleNamespace(status="200 OK", response_length=1, headers=[])
    environ = {
        "QUERY_STRING": request.query, "RAW_URI": f"/api/calls/?{request.query}",
        "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
        "PATH_INFO": "/api/calls/",
    }  # fmt: skip
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=1))
    line = " ".join(atoms[key] for key in ("r", "U", "q", "{raw_uri}e", "{query_string}e"))
    assert NUMBER not in line and line.count("[redacted]") >= 6


def test_redact_keeps_what_is_not_personal():
    line = "GET /admin/calls_app/callresult/?answered__exact=1&workflow_id=w1&p=2 HTTP/1.1"
    assert redact(line) == line
    assert redact("/admin/customers/history/?call=5") == "/admin/customers/history/?call=5"
