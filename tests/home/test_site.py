"""The site's name: no page says "Django administration"."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_pages_are_titled_ai_rudder_inbox(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert "<title>Records and settings | AI Rudder inbox</title>" in page
    assert 'id="site-name"><a href="/">AI Rudder inbox</a>' in page
    assert "Django administration" not in page
    assert "Django site admin" not in page


def test_the_login_page_is_titled_too(client):
    page = client.get("/admin/login/").content.decode()

    assert "AI Rudder inbox" in page
    assert "Django administration" not in page
