"""Every date-time Django writes on an admin page carries its zone, in the reader's zone."""

import pytest
from django.utils import timezone

from integrations.services import webhook_endpoint_create, webhook_event_receive

pytestmark = pytest.mark.django_db


def test_the_events_list_writes_times_with_their_zone(admin_client):
    endpoint = webhook_endpoint_create(name="Zones", timezone_name="Asia/Jakarta")
    webhook_event_receive(
        endpoint=endpoint, kind="call_result", body=b"{}", headers={}, remote_addr=None
    )
    html = admin_client.get("/admin/integrations/webhookevent/").content.decode()
    local = timezone.localtime(timezone.now(), timezone.get_default_timezone())  # the site's
    assert f"{local:%Y-%m-%d} " in html and " UTC</td>" in html
    assert "a.m." not in html and "p.m." not in html
