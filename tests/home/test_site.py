"""The site's name, its error pages and where a login lands: no page says "Django"."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import include, path

from tests.outcomes_dataset import user_with

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


def test_a_support_user_sent_to_the_dashboard_gets_the_styled_403(client):
    client.force_login(user_with("support", "calls_app.view_callresult"))

    response = client.get("/dashboard/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page
    assert "does not have the permission" in page
    assert 'href="/">Back to the home page' in page
    assert 'id="site-name"' in page  # the site's frame, not a bare "403 Forbidden"


def test_an_unknown_address_gets_the_styled_404(admin_client):
    response = admin_client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here" in page
    assert "/no/such/page/" in page
    assert 'href="/">Back to the home page' in page


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_gets_the_styled_500_drawn_without_a_request():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "home/site.css" in page
    assert "boom" not in page


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/x"])
def test_a_login_whose_next_is_unsafe_lands_on_home(client, next_url):
    User.objects.create_user("agent", password="a-password-1", is_staff=True)

    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": "agent", "password": "a-password-1", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
