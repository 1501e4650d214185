"""Between the admin and the dashboard: one click each way, for those who may open both."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.outcomes_dataset import MANAGER_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db

DASHBOARD_LINK = '<a href="/dashboard/" class="dashboard-link">Dashboard</a>'
ADMIN_PAGES = ["/admin/", "/admin/calls_app/callresult/", "/admin/sessions_app/chatsession/"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_managers_see_the_dashboard_link_on_admin_pages(client, url):
    client.force_login(user_with("manager", *MANAGER_PERMISSIONS))

    response = client.get(url)

    assertContains(response, DASHBOARD_LINK, html=True, count=1)
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_support_staff_do_not(client, url):
    client.force_login(
        user_with("support", "calls_app.view_callresult", "sessions_app.view_chatsession")
    )

    response = client.get(url)

    assert response.status_code == 200
    assertNotContains(response, "/dashboard/")
    assert client.get("/dashboard/").status_code == 403


def test_the_login_page_shows_no_link(client):
    assertNotContains(client.get("/admin/login/"), "/dashboard/")


def test_the_dashboard_links_back_to_the_admin(client):
    client.force_login(user_with("manager", *MANAGER_PERMISSIONS))

    response = client.get("/dashboard/")

    assertContains(response, '<a href="/admin/">Home</a>', html=True)
    assertContains(response, DASHBOARD_LINK, html=True, count=1)
