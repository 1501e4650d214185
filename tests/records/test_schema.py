"""The served schema says what the API accepts where drf-spectacular alone would not."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_client):
    return admin_client.get("/api/schema/?format=json").json()


def _query(schema, path, name):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name and p["in"] == "query")


def test_a_webhook_body_is_required(schema, client):
    operations = [ops["post"] for path, ops in schema["paths"].items() if "/webhooks/" in path]
    assert operations and all(op["requestBody"]["required"] is True for op in operations)


def test_an_optional_filter_sent_empty_means_not_filtered(schema, admin_client):
    assert _query(schema, "/api/calls/", "date_from")["allowEmptyValue"] is True
    assert _query(schema, "/api/promises/", "promised_from")["allowEmptyValue"] is True
    empty = admin_client.get("/api/calls/?date_from=&callee=")
    assert empty.status_code == 200
    assert empty.json() == admin_client.get("/api/calls/").json()


def test_a_required_text_parameter_cannot_be_empty_nor_hold_nul(schema, admin_client):
    workflow = _query(schema, "/api/compare/", "a")
    assert workflow["schema"]["minLength"] == 1
    assert "allowEmptyValue" not in workflow
    text = _query(schema, "/api/calls/", "case_id")["schema"]
    assert re.fullmatch(text["pattern"], "A-17") and not re.fullmatch(text["pattern"], "A\x00")
    assert admin_client.get("/api/calls/?case_id=A%00").status_code == 400
