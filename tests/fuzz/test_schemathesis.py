"""Schemathesis against the OpenAPI schema the app serves: every answer must be one it documents.

The schema is fetched from ``/api/schema/?format=json`` as a superuser, then each operation is
called through the WSGI application with requests generated from it (valid and invalid ones), a
bounded number per operation and derandomized, so a run is repeatable. Every check Schemathesis
has: no 5xx; status, content type, headers and body as documented; schema-invalid requests
refused and schema-valid ones accepted; no method or header left unchecked; authentication
not ignored. Two answers depend on data a schema cannot state, and are left out of the
"valid data is accepted" check only (docs/api.md, "What the schema cannot say"): a workflow id
that names no workflow (``/api/compare/``), and a ``group_by`` the ``kind`` does not have.

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
from schemathesis import GenerationMode, checks

from config.wsgi import application
from integrations.services import webhook_endpoint_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
]
# Valid by the schema, refused by the data: an unknown workflow id, a group the kind lacks.
DATA_DEPENDENT = {"/api/compare/", "/api/outcomes/"}
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
# Invalid requests too; the credentials are the test's own, so none are generated.
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], with_security_parameters=False
)


def test_the_fuzzed_schema_is_the_served_one(client, superuser):
    client.force_login(superuser)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json() == _served_schema()


@schema.include(method="GET", path_regex=r"^/api/").parametrize()
@FUZZ
def test_read_api_answers_as_documented(case, auth_headers, dataset):
    excluded = [checks.positive_data_acceptance] if case.path in DATA_DEPENDENT else []
    case.call_and_validate(headers=auth_headers, checks=CHECKS, excluded_checks=excluded)


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
