import copy
import dataclasses
import gc
import json
import os
import time

import pytest
from django.urls import reverse

from calls_app.kinds import CALL_RESULT
from config.celery import app as celery_app
from integrations import kinds
from integrations.services import webhook_endpoint_create
from sessions_app.kinds import CHATBOT_SESSION_END

# AI Rudder's documented example bodies, as each domain app declares them with its event kind.
CHAT_EXAMPLE = CHATBOT_SESSION_END.example_payload
CALL_EXAMPLE = CALL_RESULT.example_payload

# The shared dataset's fixtures (``dataset``, ``manager``, ...), for every test module.
pytest_plugins = ["tests.outcomes_dataset"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no endpoint remembered by token (integrations.endpoints) and no
    dashboard rows kept (dashboard.rollups)."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in-process unless a test is marked ``broker`` and talks to a real worker.

    Set both ways, whatever an earlier test in the process left: a broker test must publish.
    """
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = not request.node.get_closest_marker("broker")
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def replace_processor(monkeypatch):
    """Swap the ``process`` of a declared event kind for the test's own, undone afterwards.

    Its batch writer goes too, so that batches of the kind also go through the test's own.
    """

    def _replace(slug: str, process) -> None:
        declared = kinds.get(slug)
        replaced = dataclasses.replace(declared, process=process, process_many=None)
        monkeypatch.setitem(kinds._REGISTRY, slug, replaced)

    return _replace


@pytest.fixture
def chat_payload() -> dict:
    return copy.deepcopy(CHAT_EXAMPLE)


@pytest.fixture
def call_payload() -> dict:
    return copy.deepcopy(CALL_EXAMPLE)


@pytest.fixture
def endpoint(db):
    return webhook_endpoint_create(name="Acme collections", timezone_name="Asia/Jakarta")


@pytest.fixture
def deliver(client, endpoint, django_capture_on_commit_callbacks):
    """POST a body to one of the endpoint's webhook URLs, as AI Rudder's curl example does.

    Callbacks queued on commit (the processing task) run before it returns, as they would when
    the request's transaction commits in production.
    """

    def _deliver(kind: str, body, *, token: str | None = None, **headers):
        url_name = kinds.get(kind).url_name
        url = reverse(url_name, kwargs={"token": token or endpoint.token})
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=data, content_type="application/json", **headers)

    return _deliver


def pytest_configure(config):
    """Test users' passwords hashed with MD5: PBKDF2 took most of the suite's time.

    Under xdist each test process gets a Redis database of its own (``CELERY_BROKER_URL``'s,
    then the ones below it): a real worker started by one process would otherwise take tasks
    queued by the other, whose test database it cannot see. (xdist's ``--dist loadgroup`` would
    keep such tests in one process, but its groups are not applied under pytest 9.)
    """
    from urllib.parse import urlsplit

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), settings.CELERY_BROKER_URL
    if worker and url:
        parts = urlsplit(url)
        database = (int(parts.path.lstrip("/") or 0) - int(worker.removeprefix("gw"))) % 16
        url = parts._replace(path=f"/{database}").geturl()
        os.environ["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL = url
        celery_app.conf.broker_url = url


def pytest_collection_finish(session):
    """What collection leaves (modules, test items, Django's apps) lives as long as the process:
    frozen, the garbage collector stops walking it; and it runs less often (a test makes many
    short-lived objects, few cycles): 4 s of collecting a run became 2."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 100)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser tests first (after pytest-django's ordering): xdist then hands them to one
    test process in its first batch, which starts Chromium and sets the demo up once for all
    of them (package-scoped fixtures) while the other process runs small tests; left last, they
    arrived in one batch at the end and one process ran them alone."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/browser/"))


def service_missing(reason: str) -> None:
    """Skip a test whose service (PostgreSQL, a real broker) is missing; in CI, fail instead.

    CI (``CI=true``) runs the suite twice: on the embedded defaults (neither ``DATABASE_URL`` nor
    ``CELERY_BROKER_URL`` set), where these tests skip, and on PostgreSQL with Redis. A run that
    configures either service is the services run: there, a service missing or unreachable fails.
    """
    from django.conf import settings
    from django.db import connection

    services_run = bool(settings.CELERY_BROKER_URL) or connection.vendor == "postgresql"
    if os.environ.get("CI") == "true" and services_run:
        pytest.fail(f"CI's PostgreSQL and Redis run: {reason}", pytrace=False)
    pytest.skip(reason)


def _postgresql_reachable() -> str:
    """Why PostgreSQL cannot be used (``""`` when it can): not configured, or not answering."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "needs PostgreSQL (SQLite serialises all writers: nothing overlaps there)"
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    try:
        psycopg.connect(**params, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable: {exc}"
    return ""


def _broker_reachable() -> str:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return "needs CELERY_BROKER_URL (a real broker)"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return f"the broker at CELERY_BROKER_URL is not reachable: {exc}"
    return ""


@pytest.fixture
def postgresql():
    """The test runs only on a reachable PostgreSQL (see ``service_missing``)."""
    if reason := _postgresql_reachable():
        service_missing(reason)


@pytest.fixture
def real_broker(postgresql):
    """A reachable broker and PostgreSQL, whose committed rows a worker sees; the queue emptied
    of what earlier tests of this process published (``broker_queue_emptied``)."""
    if reason := _broker_reachable():
        service_missing(reason)
    broker_queue_emptied()


def broker_queue_emptied() -> None:
    """Drop the tasks earlier tests of this process left in its broker database: deliveries
    publish wake-ups that no worker consumed then, and the next real worker would run them
    (one claimed a test's deliberately stuck event)."""
    from config.celery import app as celery_app

    celery_app.control.purge()


def wait_for(predicate, *, within: float = 30.0) -> bool:
    """Whether ``predicate()`` became true within ``within`` seconds: for real workers and beat."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
