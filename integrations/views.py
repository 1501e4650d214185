"""The webhook URLs AI Rudder posts to: one DRF view per declared event kind.

Answers: 404 unknown or inactive token, 401 bad signature (both recorded as a ``WebhookRejection``,
without the body), 413 body too large, 400 body that is not a JSON object (stored as a failed
event), 503 database unavailable or blocked (AI Rudder retries),
otherwise 200 ``{}`` as AI Rudder documents, including for its retries of the same notification.

The views authenticate by the URL's token (and the signature), not by session or CSRF, and read
the raw body themselves: no DRF parser touches it before it is stored.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.endpoints import endpoint_by_token, endpoint_for_token
from integrations.kinds import EventKind
from integrations.models import RejectionReason as Reason
from integrations.models import WebhookEndpoint
from integrations.services import webhook_event_receive, webhook_rejection_record
from integrations.signing import SIGNATURE_HEADER, signature_is_valid

logger = logging.getLogger(__name__)

# What a 503 asks AI Rudder to wait before it retries (it may keep its own schedule).
RETRY_AFTER_SECONDS = 5


class JsonOnly(BaseContentNegotiation):
    """AI Rudder's ``Accept`` header is not ours to refuse: the answer is always JSON."""

    def select_parser(self, request, parsers):
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _error(status: int, message: str, **extra) -> Response:
    return Response({"error": message, **extra}, status=status)


def _is_chunked(request) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _read_upto(stream, size: int) -> bytes:
    """At most ``size`` bytes of ``stream``, however few each ``read`` returns."""
    parts, remaining = [], size
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _read_body(request, limit: int) -> bytes | None:
    """The body, or ``None`` when it is larger than ``limit``: declared sizes are refused unread.

    A chunked body declares no size, and Django reads a request without ``Content-Length`` as
    empty: it is read from ``wsgi.input`` (which the WSGI server de-chunks), at most one byte past
    the limit, so that a valid body is not lost and an oversized one is still refused.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    if _is_chunked(request):
        body = _read_upto(request.META["wsgi.input"], limit + 1)
    else:
        body = request.read(limit + 1)
    return None if len(body) > limit else body


def _stored_headers(request) -> dict[str, str]:
    redacted = {name.lower() for name in settings.AIRUDDER_REDACTED_HEADERS}
    return {name: value for name, value in request.headers.items() if name.lower() not in redacted}


def _signature_matches(endpoint: WebhookEndpoint, body: bytes, signature: str) -> bool:
    return any(
        signature_is_valid(secret=secret, body=body, signature=signature)
        for secret in endpoint.signing_secrets()
    )


def _signed_by(endpoint, token: str, body: bytes, signature: str) -> WebhookEndpoint | None:
    """The endpoint whose secrets sign ``body``, or ``None``; read again before refusing.

    The copy may be cached from before a rotation in another process: one query, on the
    failure path only, so that a new secret is accepted the moment it is saved.
    """
    if _signature_matches(endpoint, body, signature):
        return endpoint
    if not settings.AIRUDDER_ENDPOINT_CACHE_SECONDS:
        return None  # the copy was just read
    current = endpoint_for_token(token, fresh=True)
    if current is None or current.signing_secrets() == endpoint.signing_secrets():
        return None
    if not current.signing_secret:  # signing turned off since: the token alone authenticates
        return current
    return current if _signature_matches(current, body, signature) else None


class WebhookView(APIView):
    """Receives one kind of notification; ``kind`` is set per URL from the registry."""

    kind: EventKind
    authentication_classes: list = []
    permission_classes: list = []
    parser_classes: list = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    def _rejected(self, request, reason: str, endpoint: WebhookEndpoint | None) -> None:
        """Keep the refusal for the inbox health page and /metrics; it never fails the answer."""
        try:
            webhook_rejection_record(
                reason=reason,
                kind=self.kind.slug,
                remote_addr=request.META.get("REMOTE_ADDR") or None,
                endpoint_id=endpoint.pk if endpoint is not None else None,
            )
        except DatabaseError:
            logger.warning("A refused %s delivery (%s) was not recorded", self.kind.slug, reason)

    def post(self, request, token: str):
        django_request = request._request  # the raw body, unparsed
        limit = settings.AIRUDDER_MAX_BODY_BYTES
        try:
            endpoint = endpoint_by_token(token)
            if endpoint is None or not endpoint.is_active:
                reason = Reason.UNKNOWN_TOKEN if endpoint is None else Reason.INACTIVE_ENDPOINT
                self._rejected(django_request, reason, endpoint)
                return _error(404, "unknown webhook URL")  # the same answer: nothing told
            body = _read_body(django_request, limit)
            if body is None:
                return _error(413, f"body larger than {limit} bytes")
            if self.kind.signed and endpoint.signing_secret:
                signature = django_request.headers.get(SIGNATURE_HEADER, "")
                signed_by = _signed_by(endpoint, token, body, signature)
                if signed_by is None:
                    self._rejected(django_request, Reason.BAD_SIGNATURE, endpoint)
                    return _error(401, f"{SIGNATURE_HEADER} does not match the body")
                endpoint = signed_by
            delivery = webhook_event_receive(
                endpoint=endpoint,
                kind=self.kind.slug,
                body=body,
                headers=_stored_headers(django_request),
                remote_addr=django_request.META.get("REMOTE_ADDR") or None,
            )
        except DatabaseError:
            # Blocked (the webhook timeouts, integrations.services) or down: answer now.
            logger.exception("Database unavailable while receiving a %s webhook", self.kind.slug)
            response = _error(503, "temporarily unavailable, retry later")
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if delivery.body_error:
            return _error(400, delivery.body_error, event_id=delivery.event.pk)
        return Response({})


_ERROR = inline_serializer("WebhookError", {"error": serializers.CharField()})
_STORED_ERROR = inline_serializer(
    "WebhookBodyError", {"error": serializers.CharField(), "event_id": serializers.IntegerField()}
)


def _schema(kind: EventKind):
    signed = (
        f" When the endpoint has a signing secret, `{SIGNATURE_HEADER}` must carry the "
        "HMAC-SHA256 of the raw body; otherwise the URL's token alone authenticates."
        if kind.signed
        else " AI Rudder does not sign these pushes: the URL's token is the credential."
    )
    return extend_schema(
        operation_id=f"webhook_{kind.slug}",
        summary=f"Webhook: {kind.label}",
        description=f"{kind.description} Posted by AI Rudder to the URL of one endpoint.{signed}",
        tags=["webhooks"],
        auth=[],
        parameters=[
            OpenApiParameter(
                "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The endpoint's token"
            ),
            *(
                [OpenApiParameter(SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER)]
                if kind.signed
                else []
            ),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample("AI Rudder's example", value=kind.example_payload, request_only=True)
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Stored (or counted as a retry of a stored notification): `{}`.",
                examples=[OpenApiExample("Accepted", value={}, response_only=True)],
            ),
            400: OpenApiResponse(
                _STORED_ERROR, description="Not a JSON object; stored as a failed event."
            ),
            401: OpenApiResponse(_ERROR, description=f"{SIGNATURE_HEADER} does not match."),
            404: OpenApiResponse(_ERROR, description="Unknown or inactive token."),
            413: OpenApiResponse(_ERROR, description="Body larger than the limit; not read."),
            503: OpenApiResponse(_ERROR, description="Database unavailable: retry later."),
        },
    )


def webhook_view(kind: EventKind):
    """The view of ``kind``'s URL, documented in the API schema with AI Rudder's example."""
    name = "".join(part.title() for part in kind.slug.split("_")) + "WebhookView"

    def post(self, request, token: str):  # a function of its own, to carry this kind's schema
        return WebhookView.post(self, request, token)

    return type(name, (WebhookView,), {"kind": kind, "post": _schema(kind)(post)}).as_view()
