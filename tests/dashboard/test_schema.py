"""The OpenAPI schema and its docs page, which must work offline (no CDN)."""

import re

from django.contrib.staticfiles import finders

from tests import outcomes_dataset

# The shared dataset's fixtures (tests/outcomes_dataset.py).
manager = outcomes_dataset.manager


def test_schema_describes_every_endpoint_and_its_filters(client, manager):
    client.force_login(manager)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    for path in [
        "/api/calls/",
        "/api/calls/{call_id}/",
        "/api/sessions/",
        "/api/sessions/{call_id}/",
        "/api/outcomes/",
    ]:
        assert path in schema["paths"]
    calls = {p["name"] for p in schema["paths"]["/api/calls/"]["get"]["parameters"]}
    assert {
        "date_from",
        "date_to",
        "workflow_id",
        "intention",
        "hangup_type",
        "ring_type",
        "answered",
        "robot_id",
        "callee",
        "case_id",
        "cursor",
    } <= calls
    outcomes = {p["name"] for p in schema["paths"]["/api/outcomes/"]["get"]["parameters"]}
    assert {"kind", "group_by", "end_reason", "hangup_type"} <= outcomes


def test_docs_page_loads_only_this_sites_static_files(client, manager):
    client.force_login(manager)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://|//cdn|unpkg|jsdelivr", html)
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert finders.find(asset), asset
    assert "/api/schema/" in html


def test_docs_need_a_login(client, db):
    assert client.get("/api/docs/")["Location"].startswith("/admin/login/")
    assert client.get("/api/schema/").status_code in (401, 403)


def test_schema_documents_each_declared_webhook_with_ai_rudders_example(client, manager):
    from integrations import kinds

    client.force_login(manager)
    schema = client.get("/api/schema/?format=json").json()

    for kind in kinds.all_kinds():
        operation = schema["paths"][f"/webhooks/airudder/{{token}}/{kind.url_path}/"]["post"]
        assert operation["tags"] == ["webhooks"]
        [example] = operation["requestBody"]["content"]["application/json"]["examples"].values()
        assert example["value"] == kind.example_payload
        assert {"200", "400", "401", "404", "413", "503"} <= set(operation["responses"])
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert ("X-AIRudder-Sign" in headers) is kind.signed
    assert {k.slug for k in kinds.all_kinds()} == {"chatbot_session_end", "call_result"}
