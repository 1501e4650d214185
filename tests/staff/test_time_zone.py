"""Each user reads every time in their own zone, with its abbreviation; the site's by default."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from staff.services import staff_time_zone, staff_time_zone_set

pytestmark = pytest.mark.django_db

SETTINGS = "/account/settings/"


@pytest.fixture
def call(deliver, call_payload):
    assert deliver("call_result", call_payload).status_code == 200
    from calls_app.models import CallResult

    return CallResult.objects.get()


def test_a_user_chooses_a_zone_on_their_settings_page(admin_client, admin_user):
    assert admin_client.get(SETTINGS).status_code == 200
    response = admin_client.post(SETTINGS, {"time_zone": "Asia/Manila"})
    assert response.status_code == 302
    assert staff_time_zone(admin_user) == "Asia/Manila"
    assert admin_client.post(SETTINGS, {"time_zone": "Mars/Olympus"}).status_code == 400
    assert staff_time_zone(admin_user) == "Asia/Manila"


def test_an_unknown_zone_is_refused_by_the_service(admin_user):
    with pytest.raises(ValidationError):
        staff_time_zone_set(user=admin_user, time_zone="Nowhere/Else")


def test_pages_and_the_api_speak_the_users_zone(admin_client, admin_user, call, settings):
    settings.TIME_ZONE = "UTC"
    page = reverse("admin:calls_app_callresult_change", args=[call.pk])
    api = f"/api/calls/{call.call_id}/"
    assert " UTC" in admin_client.get(page).content.decode()
    assert (
        admin_client.get(api).json()["started_at"].endswith("Z")
        or "+00:00" in (admin_client.get(api).json()["started_at"])
    )

    admin_client.post(SETTINGS, {"time_zone": "Asia/Jakarta"})
    assert " WIB" in admin_client.get(page).content.decode()
    assert admin_client.get(api).json()["started_at"].endswith("+07:00")


def test_the_zone_is_per_user(client, admin_user, django_user_model, call):
    staff_time_zone_set(user=admin_user, time_zone="America/New_York")
    other = django_user_model.objects.create_superuser("other", "o@example.com", "pw-other-123")
    client.force_login(other)
    page = reverse("admin:calls_app_callresult_change", args=[call.pk])
    seen = client.get(page).content.decode()
    assert " EST" not in seen and " EDT" not in seen
    client.force_login(admin_user)
    seen = client.get(page).content.decode()
    assert " EST" in seen or " EDT" in seen


def test_create_staff_user_takes_a_time_zone():
    import json

    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    from dashboard.roles import roles_setup

    roles_setup()
    out = io.StringIO()
    call_command(
        "create_staff_user",
        "siti",
        "--role",
        "Support",
        "--timezone",
        "Asia/Jakarta",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["timezone"] == "Asia/Jakarta"
    assert staff_time_zone(get_user_model().objects.get(username="siti")) == "Asia/Jakarta"
    with pytest.raises(CommandError, match="--timezone"):
        call_command("create_staff_user", "budi", "--role", "Support", "--timezone", "Mars/X")
    assert not get_user_model().objects.filter(username="budi").exists()


def test_csv_exports_write_times_in_the_users_zone(admin_client, admin_user, call):
    staff_time_zone_set(user=admin_user, time_zone="Asia/Jakarta")
    response = admin_client.get(reverse("admin:calls_app_callresult_export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "+07:00" in text
