"""The webhook views are DRF views, but answer as AI Rudder expects whatever it sends."""

import pytest
from django.urls import reverse

from integrations import kinds
from integrations.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [k.slug for k in kinds.all_kinds()])
def test_any_accept_header_gets_the_json_answer(client, endpoint, kind):
    url = reverse(kinds.get(kind).url_name, kwargs={"token": endpoint.token})
    body = kinds.get(kind).example_payload

    response = client.post(url, body, content_type="application/json", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {}
    assert WebhookEvent.objects.get().kind == kind


def test_no_csrf_token_or_session_is_needed(endpoint, chat_payload, django_user_model):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.create_user("someone"))
    url = reverse(kinds.get("chatbot_session_end").url_name, kwargs={"token": endpoint.token})

    response = strict.post(url, chat_payload, content_type="application/json")

    assert response.status_code == 200


def test_other_methods_are_refused_and_store_nothing(client, endpoint):
    url = reverse(kinds.get("call_result").url_name, kwargs={"token": endpoint.token})

    assert client.get(url).status_code == 405
    assert client.put(url, "{}", content_type="application/json").status_code == 405
    assert not WebhookEvent.objects.exists()


def test_a_kind_is_declared_once():
    declared = kinds.get("call_result")

    assert kinds.register(declared) is declared  # the same declaration again is harmless
    with pytest.raises(ValueError, match="declared twice"):
        kinds.register(
            kinds.EventKind(
                slug="another",
                url_path=declared.url_path,
                label="Clash",
                dedup_key=declared.dedup_key,
                process=declared.process,
                example=declared.example,
            )
        )
