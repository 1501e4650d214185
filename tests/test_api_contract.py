"""The read API answers only what its schema documents, and refuses what it cannot read.

- every operation documents its 400 (``{"name": ["message", …]}``), 401, 403 and, with an id or a
  cursor, 404 (``{"detail": "…"}``), and the answers have those shapes;
- ``page_size`` is a whole number from 1 to 500, anything else a 400 naming it;
- ``/api/outcomes/`` types its parameters (booleans, enums) and, without ``group_by``, answers one
  row, the totals, counted in the database rather than one row per record.
"""

import base64
from urllib.parse import urlencode

import pytest
from drf_spectacular.generators import SchemaGenerator

from calls_app.models import CallResult
from sessions_app.models import ChatSession
from tests import outcomes_dataset
from tests.outcomes_dataset import query

dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager

READ_OPERATIONS = [
    "/api/calls/",
    "/api/calls/{call_id}/",
    "/api/sessions/",
    "/api/sessions/{call_id}/",
    "/api/outcomes/",
]
LISTS = ["/api/calls/", "/api/sessions/"]


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _response_schema(openapi: dict, path: str, status: str) -> dict:
    schema = openapi["paths"][path]["get"]["responses"][status]["content"]["application/json"]
    schema = schema["schema"]
    if "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _parameter(openapi: dict, path: str, name: str) -> dict:
    [parameter] = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
    return parameter["schema"]


@pytest.mark.parametrize("path", READ_OPERATIONS)
def test_each_read_operation_documents_its_errors(openapi, path):
    responses = openapi["paths"][path]["get"]["responses"]
    expected = {"200", "400", "401", "403"} | ({"404"} if path != "/api/outcomes/" else set())
    assert set(responses) == expected
    errors = _response_schema(openapi, path, "400")
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    for status in expected - {"200", "400"}:
        detail = _response_schema(openapi, path, status)
        assert detail["properties"] == {"detail": {"type": "string"}}


@pytest.mark.parametrize("path", LISTS)
def test_page_size_is_documented_with_its_bounds(openapi, path):
    assert _parameter(openapi, path, "page_size") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
        "default": 50,
    }


def test_outcomes_parameters_are_typed(openapi):
    path = "/api/outcomes/"
    assert _parameter(openapi, path, "answered") == {"type": "boolean"}
    assert _parameter(openapi, path, "handed_over") == {"type": "boolean"}
    assert _parameter(openapi, path, "date_from") == {"type": "string", "format": "date"}
    assert _parameter(openapi, path, "kind")["enum"] == ["calls", "sessions"]
    group_by = _parameter(openapi, path, "group_by")
    assert group_by["type"] == "array"
    assert set(group_by["items"]["enum"]) == {
        "workflow",
        "intention",
        "hangup_type",
        "ring_type",
        "answered",
        "end_reason",
        "channel",
        "handed_over",
        "day",
        "hour",
        "weekday",
        "outcome_group",
    }
    rows = _response_schema(openapi, path, "200")["properties"]["results"]["items"]
    assert rows == {"$ref": "#/components/schemas/OutcomesRow"}


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["0", "-1", "x", "501", "2.5", " 5", "9" * 5000])
def test_page_size_that_is_not_1_to_500_is_refused_by_name(client, manager, path, value):
    client.force_login(manager)
    response = client.get(path, {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 500."]}


@pytest.mark.parametrize("path", LISTS)
def test_page_size_within_bounds_or_empty_is_read(client, dataset, manager, path):
    client.force_login(manager)
    assert len(client.get(path, {"page_size": "1"}).json()["results"]) == 1
    assert client.get(path, {"page_size": "500"}).status_code == 200
    empty = client.get(path, {"page_size": ""})
    assert empty.status_code == 200
    assert len(empty.json()["results"]) == min(50, len(client.get(path).json()["results"]))


@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_not_ours_is_a_documented_404(client, manager, path):
    client.force_login(manager)
    response = client.get(path, {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("path", "status"), [("/api/calls/nope/", 404), ("/api/calls/?answered=maybe", 400)]
)
def test_error_bodies_have_the_documented_shapes(client, manager, path, status):
    client.force_login(manager)
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    if status == 400:
        assert body == {"answered": ["Enter true or false."]}
    else:
        assert set(body) == {"detail"}


KINDS = [
    pytest.param("calls", CallResult, "answered", {"hangup_type": "ByCallee"}, id="calls"),
    pytest.param("sessions", ChatSession, "handed_over", {"end_reason": "user"}, id="sessions"),
]


@pytest.mark.parametrize(("kind", "model", "flag", "narrowed"), KINDS)
def test_outcomes_without_group_by_is_one_total_row(
    client, dataset, manager, kind, model, flag, narrowed
):
    client.force_login(manager)
    for filters in ({}, narrowed, {"workflow_id": "no-such-workflow"}):
        response = client.get(f"/api/outcomes/?{query({'kind': kind, **filters})}")
        assert response.status_code == 200
        body = response.json()
        matching = model.objects.filter(**{k: v for k, v in filters.items() if k != "workflow_id"})
        if "workflow_id" in filters:
            matching = matching.filter(workflow__workflow_id=filters["workflow_id"])
        [row] = body["results"]
        assert row["count"] == body["total"] == matching.count()
        assert row[f"{flag}_count"] == matching.filter(**{flag: True}).count()
        assert body["group_by"] == []
    assert model.objects.count() > 1


@pytest.mark.parametrize("kind", ["calls", "sessions"])
def test_outcomes_unknown_group_is_a_400_naming_it(client, manager, kind):
    client.force_login(manager)
    response = client.get("/api/outcomes/", {"kind": kind, "group_by": "workflow,colour"})
    assert response.status_code == 400
    [message] = response.json()["group_by"]
    assert "colour" in message


def _cursor(position: str) -> str:
    return base64.b64encode(urlencode({"o": "0", "r": "0", "p": position}).encode()).decode()


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("position", ["garbage", "a\x00b", "2025-13-40 99:00:00"])
def test_a_cursor_whose_position_is_not_a_time_is_a_404(client, dataset, manager, path, position):
    """Found by Schemathesis's reasoning on cursors: DRF puts the position in the query as is."""
    client.force_login(manager)
    response = client.get(path, {"cursor": _cursor(position)})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize("path", LISTS)
def test_a_cursor_at_a_time_pages_on(client, dataset, manager, path):
    client.force_login(manager)
    response = client.get(path, {"cursor": _cursor("2025-04-11 00:00:00+00:00")})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/calls/?intention=E%00", "intention"),
        ("/api/sessions/?channel=a%00b", "channel"),
        ("/api/calls/?callee=%2B62%00", "callee"),
        ("/api/outcomes/?kind=calls&workflow_id=%00", "workflow_id"),
    ],
)
def test_a_nul_character_in_a_text_filter_is_a_400_naming_it(client, dataset, manager, path, name):
    """Found by Schemathesis on PostgreSQL, which cannot compare text holding one (a 500)."""
    client.force_login(manager)
    response = client.get(path)
    assert response.status_code == 400
    assert response.json() == {name: ["Null characters are not allowed."]}
