"""A delivery finds its endpoint without a query, and a change to the endpoint is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _url(endpoint):
    return reverse("integrations:call-result", kwargs={"token": endpoint.token})


def _endpoint_queries(queries) -> int:
    return sum("integrations_webhookendpoint" in q["sql"] for q in queries)


def test_a_second_delivery_does_not_look_the_endpoint_up(client, endpoint, call_payload):
    client.post(_url(endpoint), call_payload, content_type="application/json")
    call_payload["node_id"] = "another-node"

    with CaptureQueriesContext(connection) as queries:
        response = client.post(_url(endpoint), call_payload, content_type="application/json")

    assert response.status_code == 200
    assert _endpoint_queries(queries.captured_queries) == 0
    [store] = queries.captured_queries  # and the delivery is stored by one statement
    assert "ON CONFLICT" in store["sql"]


def test_deactivating_an_endpoint_refuses_the_next_delivery(client, endpoint, call_payload):
    assert (
        client.post(_url(endpoint), call_payload, content_type="application/json").status_code
        == 200
    )

    endpoint.is_active = False
    endpoint.save()

    assert (
        client.post(_url(endpoint), call_payload, content_type="application/json").status_code
        == 404
    )


def test_an_unknown_token_is_remembered_as_unknown(client, db):
    url = reverse("integrations:call-result", kwargs={"token": "nope"})
    client.post(url, "{}", content_type="application/json")

    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, "{}", content_type="application/json").status_code == 404

    assert _endpoint_queries(queries.captured_queries) == 0


def test_a_new_endpoint_with_a_token_once_unknown_is_found(client, db, call_payload):
    endpoint = WebhookEndpoint(name="late")
    url = _url(endpoint)
    assert client.post(url, "{}", content_type="application/json").status_code == 404

    endpoint.save()

    assert client.post(url, call_payload, content_type="application/json").status_code == 200


def test_with_the_cache_off_every_delivery_looks_it_up(client, endpoint, call_payload, settings):
    settings.AIRUDDER_ENDPOINT_CACHE_SECONDS = 0
    client.post(_url(endpoint), call_payload, content_type="application/json")

    with CaptureQueriesContext(connection) as queries:
        client.post(_url(endpoint), call_payload, content_type="application/json")

    assert _endpoint_queries(queries.captured_queries) == 1
