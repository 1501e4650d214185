"""Production-safe defaults, and log lines that appear once, without tracebacks for 403s."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT_403 = """
import django
django.setup()
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


def test_debug_is_off_unless_turned_on():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    assert _run(code, DJANGO_SECRET_KEY="x" * 50).stdout.strip() == "False"
    assert _run(code, DJANGO_DEBUG="on").stdout.strip() == "True"


def test_a_django_log_line_appears_once():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('only-once-marker')"
    )
    result = _run(code, DJANGO_DEBUG="on")
    assert result.stderr.count("only-once-marker") == 1, result.stderr


def test_a_403_is_one_line_without_a_traceback():
    result = _run(SCRIPT_403, DJANGO_DEBUG="on")
    assert result.stderr.count("Forbidden (Permission denied): /admin/x/") == 1, result.stderr
    assert "Traceback" not in result.stderr
