"""The two webhook URLs AI Rudder posts to.

Answers: 404 unknown or inactive token, 401 bad signature, 413 body too large, 400 body that is
not a JSON object (stored as a failed event), 503 database unavailable (AI Rudder retries),
otherwise 200 ``{}`` as AI Rudder documents, including for its retries of the same notification.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import WebhookEndpoint, WebhookEvent, token_digest
from .services import webhook_event_receive
from .signing import SIGNATURE_HEADER, signature_is_valid

logger = logging.getLogger(__name__)


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _read_body(request, limit: int) -> bytes | None:
    """The body, or ``None`` when it is larger than ``limit``: declared sizes are refused unread."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _stored_headers(request) -> dict[str, str]:
    redacted = {name.lower() for name in settings.AIRUDDER_REDACTED_HEADERS}
    return {name: value for name, value in request.headers.items() if name.lower() not in redacted}


def _receive(request, token: str, kind: WebhookEvent.Kind):
    limit = settings.AIRUDDER_MAX_BODY_BYTES
    try:
        endpoint = WebhookEndpoint.objects.filter(
            token_sha256=token_digest(token), is_active=True
        ).first()
        if endpoint is None:
            return _error(404, "unknown webhook URL")
        body = _read_body(request, limit)
        if body is None:
            return _error(413, f"body larger than {limit} bytes")
        if kind == WebhookEvent.Kind.CHATBOT_SESSION_END and endpoint.signing_secret:
            signature = request.headers.get(SIGNATURE_HEADER, "")
            secret = endpoint.signing_secret
            if not signature_is_valid(secret=secret, body=body, signature=signature):
                return _error(401, f"{SIGNATURE_HEADER} does not match the body")
        delivery = webhook_event_receive(
            endpoint=endpoint,
            kind=kind,
            body=body,
            headers=_stored_headers(request),
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
    except DatabaseError:
        logger.exception("Database unavailable while receiving a %s webhook", kind)
        return _error(503, "temporarily unavailable, retry later")
    if delivery.body_error:
        return _error(400, delivery.body_error, event_id=delivery.event.pk)
    return JsonResponse({})


@csrf_exempt
@require_POST
def chatbot_session_end(request, token: str):
    return _receive(request, token, WebhookEvent.Kind.CHATBOT_SESSION_END)


@csrf_exempt
@require_POST
def call_result(request, token: str):
    return _receive(request, token, WebhookEvent.Kind.CALL_RESULT)
