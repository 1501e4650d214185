"""Nothing but the webhooks is reachable without a login: every URL the project routes is tried."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Reachable on purpose: AI Rudder posts here (the URL's token is the credential), and the login.
# /metrics is public but needs its bearer token (tests/integrations/test_metrics.py).
PUBLIC = (
    "/webhooks/airudder/",
    "/admin/login/",
    "/admin/logout/",
    "/healthz",
    "/readyz",
    "/metrics",
)


def _concrete(pattern: str) -> str:
    """A path that the route or regex ``pattern`` matches, with ``1`` for each parameter
    (``json`` for a format suffix)."""
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", pattern)  # DRF's format suffixes
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)  # regex groups
    path = re.sub(r"<drf_format_suffix:\w+>", ".json", path)
    path = re.sub(r"<(\w+:)?\w+>", "1", path)  # route converters
    path = path.replace("\\.", ".").replace("/?", "/").replace("^", "").replace("$", "")
    return path


def _routes(resolver=None, prefix="/"):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + _concrete(str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            yield prefix + _concrete(str(entry.pattern))


ROUTES = sorted(set(_routes()))


def test_the_walk_finds_every_surface():
    for expected in [
        "/api/calls/",
        "/api/calls/1/",
        "/api/outcomes/",
        "/api/schema/",
        "/api/docs/",
        "/dashboard/",
        "/dashboard/export/1.csv",
        "/admin/",
    ]:
        assert expected in ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in ROUTES if not p.startswith(PUBLIC)])
def test_anonymous_users_are_refused_or_sent_to_log_in(client, path):
    response = client.get(path)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/"), response["Location"]
    else:
        assert response.status_code in (401, 403), (path, response.status_code)


@pytest.mark.django_db
def test_the_root_is_the_products_home_for_a_signed_in_user(admin_client, client):
    response = admin_client.get("/")

    assert response.status_code == 200
    assert b'type="search"' in response.content or b"search" in response.content
    assert client.get("/").status_code == 302  # anonymous: to the login
    assert b"View site" not in admin_client.get("/admin/").content
