import pytest
from rest_framework.authtoken.models import Token

from tests import outcomes_dataset
from tests.outcomes_dataset import CALL_CASES, FULL_NAME, FULL_NUMBER, api_pages, query, user_with

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset
manager = outcomes_dataset.manager
manager_with_details = outcomes_dataset.manager_with_details


@pytest.mark.parametrize("case", CALL_CASES)
def test_list_filters_like_the_filterset(client, dataset, manager, case):
    params, predicate = CALL_CASES[case]
    client.force_login(manager)
    rows = api_pages(client, f"/api/calls/?{query(params)}")
    assert {row["call_id"] for row in rows} == dataset.call_ids(predicate)


def test_list_pages_newest_first_through_every_call(client, dataset, manager):
    client.force_login(manager)
    rows = api_pages(client, "/api/calls/?page_size=4")
    ids = [row["call_id"] for row in rows]
    assert sorted(ids) == sorted(spec["call_id"] for spec in dataset.calls)
    dated = [row["started_at"] for row in rows if row["started_at"]]
    assert dated == sorted(dated, reverse=True)


def test_an_unreadable_filter_is_a_400_naming_it(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/api/calls/?answered=maybe&date_from=2025-04-01")
    assert response.status_code == 400
    assert list(response.json()) == ["answered"]


def test_detail_has_transcript_answers_redials_and_node_pushes(client, dataset, manager):
    client.force_login(manager)
    response = client.get("/api/calls/call-001/")
    assert response.status_code == 200
    call = response.json()
    assert call["workflow"] == {"workflow_id": "wf-collect-0001", "name": "Collections"}
    assert len(call["transcript"]) == 8
    assert call["transcript"][0]["customer_text"] == "no no no no no"
    assert [answer["question_name"] for answer in call["answers"]] == ["Q1"]
    assert len(call["redials"]) == 3
    assert [push["node_name"] for push in call["node_pushes"]] == ["API2"]
    assert call["answered"] is True and call["talk_seconds"] == 60


def test_unknown_call_is_404(client, dataset, manager):
    client.force_login(manager)
    assert client.get("/api/calls/nope/").status_code == 404


def test_numbers_and_names_are_masked_without_the_permission(client, dataset, manager):
    client.force_login(manager)
    listed = client.get(f"/api/calls/?callee={FULL_NUMBER.replace('+', '%2B')}").json()["results"]
    detail = client.get("/api/calls/call-001/").json()
    for call in [*listed, detail]:
        assert call["callee_number"] == "+62•••••••9092"
        assert call["contact_number"] == "+62•••••••9092"
        assert call["callee_name"] == "W••• S••••"
    assert {redial["callee_number"] for redial in detail["redials"]} == {"+62•••••••9092"}
    # The business's own line is not a customer detail.
    assert detail["caller_number"] == "+95xxxxxxxx0088"
    assert FULL_NUMBER not in str(listed) + str(detail)
    assert FULL_NAME not in str(listed) + str(detail)


def test_numbers_and_names_are_shown_with_the_permission(client, dataset, manager_with_details):
    client.force_login(manager_with_details)
    detail = client.get("/api/calls/call-001/").json()
    assert detail["callee_number"] == detail["contact_number"] == FULL_NUMBER
    assert detail["callee_name"] == FULL_NAME
    assert {redial["callee_number"] for redial in detail["redials"]} == {FULL_NUMBER}


def test_list_and_detail_queries_do_not_grow_with_rows(
    client, dataset, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(6):  # session, user, permissions x2, page
        assert len(client.get("/api/calls/").json()["results"]) == len(dataset.calls)
    with django_assert_max_num_queries(10):  # + one per kind of related row
        client.get("/api/calls/call-001/")


def test_needs_the_view_permission(client, dataset):
    client.force_login(user_with("no-perms"))
    assert client.get("/api/calls/").status_code == 403
    assert client.get("/api/calls/call-001/").status_code == 403


def test_anonymous_is_refused(client, dataset):
    assert client.get("/api/calls/").status_code in (401, 403)
    assert client.get("/api/calls/call-001/").status_code in (401, 403)


def test_token_authentication(client, dataset, manager):
    token = Token.objects.create(user=manager)
    response = client.get("/api/calls/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert client.get("/api/calls/", HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)


def test_read_only(client, dataset, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.post("/api/calls/", {}).status_code == 405
    assert client.delete("/api/calls/call-001/").status_code == 405
