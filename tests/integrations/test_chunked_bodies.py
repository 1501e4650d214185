"""Bodies sent with ``Transfer-Encoding: chunked``: no Content-Length, read from wsgi.input.

The WSGI environ is built by hand, as gunicorn gives it: ``wsgi.input`` already de-chunked and
no ``CONTENT_LENGTH``. The view is the one the webhook URL resolves to.
"""

import io
import json

import pytest
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse

from calls_app.kinds import CALL_RESULT
from calls_app.models import CallResult
from integrations.models import WebhookEvent

pytestmark = pytest.mark.django_db


class TrickleInput(io.BytesIO):
    """A stream that returns at most a few bytes per read, as a socket may."""

    def read(self, size=-1):
        return super().read(min(size, 7) if size and size > 0 else size)


def _post_chunked(endpoint, body: bytes, stream=io.BytesIO, transfer_encoding="chunked"):
    url = reverse(CALL_RESULT.url_name, kwargs={"token": endpoint.token})
    request = RequestFactory().request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING=transfer_encoding,
        **{"wsgi.input": stream(body)},
    )
    assert "CONTENT_LENGTH" not in request.META
    match = resolve(url)
    response = match.func(request, **match.kwargs)
    response.render()
    return response


@pytest.mark.parametrize("stream", [io.BytesIO, TrickleInput])
@pytest.mark.parametrize("transfer_encoding", ["chunked", "gzip, chunked", "Chunked"])
def test_chunked_valid_body_is_stored_and_processed(
    endpoint, call_payload, django_capture_on_commit_callbacks, stream, transfer_encoding
):
    body = json.dumps(call_payload).encode()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_chunked(endpoint, body, stream, transfer_encoding)

    assert response.status_code == 200, response.content
    event = WebhookEvent.objects.get()
    assert bytes(event.body) == body
    assert event.status == WebhookEvent.Status.PROCESSED
    assert CallResult.objects.get().call_id == call_payload["call"]["call_id"]


@override_settings(AIRUDDER_MAX_BODY_BYTES=1024)
@pytest.mark.parametrize("stream", [io.BytesIO, TrickleInput])
def test_chunked_body_over_the_limit_is_413_and_stores_nothing(endpoint, stream):
    body = json.dumps({"padding": "x" * 3 * 1024}).encode()

    response = _post_chunked(endpoint, body, stream)

    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


@override_settings(AIRUDDER_MAX_BODY_BYTES=1024)
def test_chunked_body_at_the_limit_is_accepted(endpoint):
    body = json.dumps({"padding": ""}).encode()
    body = json.dumps({"padding": "x" * (1024 - len(body))}).encode()
    assert len(body) == 1024

    assert _post_chunked(endpoint, body).status_code == 200
    assert bytes(WebhookEvent.objects.get().body) == body
