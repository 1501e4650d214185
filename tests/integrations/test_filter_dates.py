"""Day parameters Python cannot turn into a time range are errors of the parameter, not 500s."""

import pytest

pytestmark = pytest.mark.django_db

DAYS = [("date_to", "9999-12-31"), ("date_from", "9999-12-31"), ("date_from", "0001-01-01")]


@pytest.fixture(autouse=True)
def _east_of_utc(settings):
    # Midnight of 0001-01-01 in a zone east of UTC is a time before year 1 in UTC.
    settings.TIME_ZONE = "Asia/Jakarta"


@pytest.mark.parametrize(("name", "day"), DAYS)
@pytest.mark.parametrize(
    "url",
    ["/api/calls/", "/api/sessions/", "/api/outcomes/?kind=calls", "/api/outcomes/?kind=sessions"],
)
def test_api_answers_400_naming_the_parameter(admin_client, url, name, day):
    separator = "&" if "?" in url else "?"
    response = admin_client.get(f"{url}{separator}{name}={day}")

    assert response.status_code == 400
    assert name in response.json()


@pytest.mark.parametrize(("name", "day"), DAYS)
def test_dashboard_shows_the_error_of_the_parameter(admin_client, name, day):
    response = admin_client.get(f"/dashboard/?{name}={day}")

    assert response.status_code == 400
    assert name in response.context["errors"]
    assert "Enter a date between" in response.content.decode()


@pytest.mark.parametrize(("name", "day"), DAYS)
@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/export/calls.csv",
        "/dashboard/export/sessions.csv",
        "/admin/calls_app/callresult/",
        "/admin/sessions_app/chatsession/",
    ],
)
def test_exports_and_admin_lists_do_not_fail(admin_client, url, name, day):
    response = admin_client.get(f"{url}?{name}={day}")

    assert response.status_code < 500


@pytest.mark.parametrize("day", ["0001-01-02", "9999-12-30"])
def test_the_last_days_that_have_a_range_are_accepted(admin_client, day):
    assert admin_client.get(f"/api/calls/?date_from={day}&date_to={day}").status_code == 200
