"""Schemathesis against the OpenAPI schema the app serves: every answer must be one it documents.

The schema is fetched from ``/api/schema/?format=json`` as a superuser, then each operation is
called through the WSGI application with requests generated from it (valid and invalid ones), a
bounded number per operation and derandomized, so a run is repeatable. Checks: no 5xx, the
status code, the content type and the body are the ones the schema documents.

- the read API (``/api/calls/``, ``/api/sessions/``, their details, ``/api/outcomes/``) over the
  shared dataset (recorded from AI Rudder's examples by the real services), with a token;
- the webhooks, posted to a real endpoint's token, with generated bodies.

Marked ``fuzz``: ``make fuzz`` runs it (``.ci/run`` too); ``make test`` leaves it out.
"""

import json

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from integrations.services import webhook_endpoint_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def connections_kept_open():
    """The WSGI application closes database connections as each request ends, and so the test's
    transaction on PostgreSQL: kept open, as Django's test client keeps it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("fuzz-admin", "fuzz@example.com", "fuzz-password")


@pytest.fixture
def auth_headers(superuser) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.create(user=superuser).key}"}


def _served_schema() -> dict:
    """What ``/api/schema/`` serves (``test_the_fuzzed_schema_is_the_served_one``), built without
    a request: the loading needs no user (Schemathesis's lazy fixtures fail on pytest 9)."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = application


def test_the_fuzzed_schema_is_the_served_one(client, superuser):
    client.force_login(superuser)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json() == _served_schema()


@schema.include(method="GET", path_regex=r"^/api/").parametrize()
@FUZZ
def test_read_api_answers_as_documented(case, auth_headers, dataset):
    case.call_and_validate(headers=auth_headers, checks=CHECKS)


@pytest.fixture
def webhook_token(db) -> str:
    return webhook_endpoint_create(name="Fuzzed", timezone_name="Asia/Jakarta").token


@schema.include(method="POST", path_regex=r"^/webhooks/").parametrize()
@FUZZ
def test_webhooks_answer_as_documented(case, webhook_token):
    case.path_parameters = {**(case.path_parameters or {}), "token": webhook_token}
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(
    ("path", "specs"),
    [("/api/calls/{call_id}/", "calls"), ("/api/sessions/{call_id}/", "sessions")],
)
def test_every_recorded_detail_answers_as_documented(path, specs, auth_headers, dataset):
    """Generated ids are almost never a record's: each recorded one is checked besides."""
    operation = schema[path]["GET"]
    for spec in getattr(dataset, specs):
        case = operation.Case(path_parameters={"call_id": spec["call_id"]})
        response = case.call_and_validate(headers=auth_headers, checks=CHECKS)
        assert response.status_code == 200
