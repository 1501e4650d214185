"""Production-safe defaults, and log lines that appear once, without tracebacks for 403s."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DEBUG_SCRIPT = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)

# One process with DEBUG on for the tests below (each process takes a second or two to start):
# it says whether DEBUG is on, logs a line through Django's logger, then a 403 as Django does.
DEBUG_ON_SCRIPT = f"""
{DEBUG_SCRIPT}
import logging
logging.getLogger("django.request").warning("only-once-marker")
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.log import log_response
try:
    raise PermissionDenied
except PermissionDenied as exc:
    response = HttpResponse(status=403)
    log_response("Forbidden (Permission denied): %s", "/admin/x/", response=response, exception=exc)
"""


def _run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def debug_on() -> subprocess.CompletedProcess:
    return _run(DEBUG_ON_SCRIPT, DJANGO_DEBUG="on")


def test_debug_is_off_unless_turned_on(debug_on):
    assert _run(DEBUG_SCRIPT, DJANGO_SECRET_KEY="x" * 50).stdout.strip() == "False"
    assert debug_on.stdout.strip() == "True", debug_on.stderr


def test_a_django_log_line_appears_once(debug_on):
    assert debug_on.stderr.count("only-once-marker") == 1, debug_on.stderr


def test_a_403_is_one_line_without_a_traceback(debug_on):
    result = debug_on
    assert result.stderr.count("Forbidden (Permission denied): /admin/x/") == 1, result.stderr
    assert "Traceback" not in result.stderr
