"""``make run``'s local settings (``.env``) and its last lines: every command works as printed."""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent.parent
MAKE = shutil.which("make") or "make"
SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY, settings.DATABASES['default']['NAME'])"
)


def _make_env(directory: Path) -> Path:
    """The Makefile's own recipe for ``.env``, run in a copy of it (not this tree's .env)."""
    shutil.copy(ROOT / "Makefile", directory / "Makefile")
    subprocess.run(  # noqa: S603 - our own Makefile
        [MAKE, "-s", "-C", str(directory), ".env", f"PYTHON={sys.executable}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return directory / ".env"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` as a reader types it: no DJANGO_DEBUG, no key in the environment."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_run_writes_a_private_env_once_with_debug_a_key_and_sqlite(tmp_path):
    env_file = _make_env(tmp_path)
    text = env_file.read_text()

    assert env_file.stat().st_mode & 0o777 == 0o600
    assert "DJANGO_DEBUG=on\n" in text
    key = re.search(r"^DJANGO_LOCAL_SECRET_KEY=(\S{40,})$", text, re.MULTILINE).group(1)
    assert f"DATABASE_URL=sqlite:///{tmp_path}/db.sqlite3\n" in text
    assert _make_env(tmp_path).read_text() == text  # never rewritten: the key stays
    (tmp_path / "other").mkdir()
    assert key not in _make_env(tmp_path / "other").read_text()  # each tree its own key
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_manage_py_uses_the_env_as_printed(tmp_path):
    env_file = _make_env(tmp_path)
    key = re.search(r"DJANGO_LOCAL_SECRET_KEY=(\S+)", env_file.read_text()).group(1)

    result = _manage("shell", "--no-imports", "-c", SETTINGS, DJANGO_ENV_FILE=str(env_file))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", key, f"{tmp_path}/db.sqlite3"]
    assert _manage("check", DJANGO_ENV_FILE=str(env_file)).returncode == 0


def test_production_still_refuses_the_local_key(tmp_path):
    env_file = _make_env(tmp_path)

    result = _manage("check", DJANGO_ENV_FILE=str(env_file), DJANGO_DEBUG="off")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_make_run_is_quiet_and_bootstraps_last():
    plan = subprocess.run(  # noqa: S603 - our own Makefile, -n: nothing runs
        [MAKE, "-n", "-C", str(ROOT), "run", "-W", "requirements.txt"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout

    assert "pip install -q -q" in plan
    assert "migrate --noinput -v 0" in plan
    assert "setup_roles -v 0" in plan
    commands = [line for line in plan.splitlines() if "manage.py" in line]
    assert "bootstrap" in commands[-2] and "--load-demo" in commands[-2]
    assert "runserver" in commands[-1]


@pytest.mark.django_db
def test_the_output_ends_with_the_block_to_read():
    out = io.StringIO()

    call_command("bootstrap", "--port", "8765", "--load-demo", stdout=out)

    output = out.getvalue()
    demo_line = output.index("Demo data loaded")
    block = output[output.index("AI Rudder inbox") :]
    assert demo_line < output.index("AI Rudder inbox")
    password = re.search(r"Password: (\S+)", block).group(1)
    assert block.splitlines()[1:4] == [
        "  Open:     http://127.0.0.1:8765/",
        "  User:     admin",
        f"  Password: {password}",
    ]
    assert ".venv/bin/python manage.py changepassword admin" in block
    assert "/webhooks/airudder/" in block
    assert output.rstrip().endswith("-" * 72)
    assert len(block.splitlines()) <= 12
