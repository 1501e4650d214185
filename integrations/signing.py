"""Checking ``X-AIRudder-Sign``.

AI Rudder marks the header required but does not say how it is computed (its own example sends it
empty), so the scheme is the setting ``AIRUDDER_SIGNATURE_SCHEME``. Both schemes are an HMAC-SHA256
of the raw body keyed with the endpoint's signing secret; they differ in the encoding.
"""

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SIGNATURE_HEADER = "X-AIRudder-Sign"


def _hmac_sha256(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


SCHEMES = {
    "hmac-sha256-hex": lambda secret, body: _hmac_sha256(secret, body).hex(),
    "hmac-sha256-base64": lambda secret, body: base64.b64encode(
        _hmac_sha256(secret, body)
    ).decode(),
}


def signature_compute(*, secret: str, body: bytes, scheme: str | None = None) -> str:
    scheme = scheme or settings.AIRUDDER_SIGNATURE_SCHEME
    try:
        return SCHEMES[scheme](secret, body)
    except KeyError:
        raise ImproperlyConfigured(
            f"AIRUDDER_SIGNATURE_SCHEME must be one of {sorted(SCHEMES)}, not {scheme!r}"
        ) from None


def signature_is_valid(*, secret: str, body: bytes, signature: str) -> bool:
    """Constant-time comparison; hex signatures are compared case-insensitively."""
    expected = signature_compute(secret=secret, body=body)
    given = signature.strip()
    if settings.AIRUDDER_SIGNATURE_SCHEME.endswith("-hex"):
        given = given.lower()
    return hmac.compare_digest(expected.encode(), given.encode())
