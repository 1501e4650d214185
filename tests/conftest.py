import copy
import json
from pathlib import Path

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from integrations.models import WebhookEvent
from integrations.services import webhook_endpoint_create

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


CHAT_EXAMPLE = load_fixture("chatbot_session_end.example.json")
CALL_EXAMPLE = load_fixture("custom_api_node_push.example.json")


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in-process unless a test is marked ``broker`` and talks to a real worker."""
    if request.node.get_closest_marker("broker"):
        yield
        return
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


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
        url_name = WebhookEvent.Kind(kind).url_name
        url = reverse(url_name, kwargs={"token": token or endpoint.token})
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data=data, content_type="application/json", **headers)

    return _deliver


def pytest_configure(config):
    """Hash test users' passwords with MD5: PBKDF2 cost most of the suite's time, and protects nothing here."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
