"""The call results' API; what it shares with the sessions' API is in tests/integrations."""

from rest_framework.authtoken.models import Token

from tests.outcomes_dataset import FULL_NAME, FULL_NUMBER


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


def test_token_authentication(client, dataset, manager):
    token = Token.objects.create(user=manager)
    response = client.get("/api/calls/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert client.get("/api/calls/", HTTP_AUTHORIZATION="Token wrong").status_code in (401, 403)


def test_read_only(client, dataset, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.post("/api/calls/", {}).status_code == 405
    assert client.delete("/api/calls/call-001/").status_code == 405
