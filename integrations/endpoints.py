"""Finding the endpoint a webhook URL's token belongs to, without a query per delivery.

Each web process keeps an endpoint it has looked up for ``AIRUDDER_ENDPOINT_CACHE_SECONDS``
(Django's default cache: per process unless a shared cache is configured). Saving or deleting
an endpoint through the ORM forgets it at once in this process; other processes see the change
within that many seconds. That is the price of a delivery costing one statement instead of two:
a deactivated endpoint may accept deliveries for a few more seconds, never longer. A refusal is
never made on a remembered copy alone: the view reads the endpoint again (``fresh``) before it
refuses a signature, so a secret rotated in another process is accepted at once.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from integrations.models import WebhookEndpoint, token_digest

_MISSING = "missing"


def _key(digest: str) -> str:
    return f"airudder:endpoint:{digest}"


def endpoint_by_token(token: str, *, fresh: bool = False) -> WebhookEndpoint | None:
    """The endpoint of ``token``, active or not (a refusal names it), or ``None``; unknown
    tokens are remembered as such.

    ``fresh``: read the database whatever is remembered (and remember what it says), for a
    refusal that a copy cached before a change elsewhere would otherwise make.
    """
    digest = token_digest(token)
    seconds = settings.AIRUDDER_ENDPOINT_CACHE_SECONDS
    if seconds and not fresh:
        cached = cache.get(_key(digest))
        if cached is not None:
            return None if cached == _MISSING else cached
    endpoint = WebhookEndpoint.objects.filter(token_sha256=digest).first()
    if seconds:
        cache.set(_key(digest), endpoint or _MISSING, seconds)
    return endpoint


def endpoint_for_token(token: str, *, fresh: bool = False) -> WebhookEndpoint | None:
    """The active endpoint of ``token``, or ``None``."""
    endpoint = endpoint_by_token(token, fresh=fresh)
    return endpoint if endpoint is not None and endpoint.is_active else None


@receiver([post_save, post_delete], sender=WebhookEndpoint)
def _forget(sender, instance: WebhookEndpoint, **kwargs) -> None:
    cache.delete(_key(instance.token_sha256))
