"""Finding the endpoint a webhook URL's token belongs to, without a query per delivery.

Each web process keeps an endpoint it has looked up for ``AIRUDDER_ENDPOINT_CACHE_SECONDS``
(Django's default cache: per process unless a shared cache is configured). Saving or deleting
an endpoint through the ORM forgets it at once in this process; other processes see the change
within that many seconds. That is the price of a delivery costing one statement instead of two:
a deactivated endpoint may accept deliveries for a few more seconds, never longer.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from integrations.models import WebhookEndpoint, token_digest

_MISSING = "missing"


def _key(digest: str) -> str:
    return f"airudder:endpoint:{digest}"


def endpoint_for_token(token: str) -> WebhookEndpoint | None:
    """The active endpoint of ``token``, or ``None``; unknown tokens are remembered as such."""
    digest = token_digest(token)
    seconds = settings.AIRUDDER_ENDPOINT_CACHE_SECONDS
    if seconds:
        cached = cache.get(_key(digest))
        if cached is not None:
            return None if cached == _MISSING else cached
    endpoint = WebhookEndpoint.objects.filter(token_sha256=digest, is_active=True).first()
    if seconds:
        cache.set(_key(digest), endpoint or _MISSING, seconds)
    return endpoint


@receiver([post_save, post_delete], sender=WebhookEndpoint)
def _forget(sender, instance: WebhookEndpoint, **kwargs) -> None:
    cache.delete(_key(instance.token_sha256))
