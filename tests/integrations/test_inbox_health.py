"""The inbox health page (/dashboard/inbox/): what an integrator looks at when something is off."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from calls_app.kinds import CALL_RESULT
from dashboard.roles import roles_setup
from integrations.models import WebhookEvent
from integrations.services import webhook_endpoint_create, webhook_event_receive
from sessions_app.kinds import CHATBOT_SESSION_END
from tests.outcomes_dataset import user_with

CHAT = CHATBOT_SESSION_END.slug
CALL = CALL_RESULT.slug
URL = "/dashboard/inbox/"
PROCESS_AGAIN = "/dashboard/inbox/process-again/"


def _chat(chat_payload, call_id: str) -> dict:
    return {**chat_payload, "call_id": call_id}


def _age(event_filter: dict, by: timedelta) -> None:
    moment = timezone.now() - by
    WebhookEvent.objects.filter(**event_filter).update(received_at=moment, last_received_at=moment)


@pytest.fixture
def failing(replace_processor):
    """Chat events fail with an error of two lines: the first names the problem."""

    def fail(inbound):
        raise RuntimeError(f"upstream refused\nrequest id {inbound.payload['call_id']}")

    replace_processor(CHAT, fail)


@pytest.mark.django_db
def test_only_people_who_see_events_open_it(client):
    assert client.get(URL)["Location"].startswith("/admin/login/")
    client.force_login(user_with("support", "calls_app.view_callresult"))
    assert client.get(URL).status_code == 403

    roles_setup()
    integrator = user_with("integrator")
    integrator.groups.add(Group.objects.get(name="Integrators"))
    client.force_login(integrator)
    response = client.get(URL)
    assert response.status_code == 200
    # an integrator, who has no dashboard, finds it from any admin page
    assert 'href="/dashboard/inbox/"' in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_managers_without_events_get_no_link(manager, client):
    client.force_login(manager)
    assert 'href="/dashboard/inbox/"' not in client.get("/dashboard/").content.decode()
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_deliveries_per_hour_per_endpoint_and_kind(
    admin_client, deliver, chat_payload, call_payload
):
    deliver(CHAT, _chat(chat_payload, "now-1"))
    deliver(CHAT, _chat(chat_payload, "now-2"))
    deliver(CHAT, _chat(chat_payload, "now-2"))  # AI Rudder's retry: a delivery, not an event
    deliver(CALL, call_payload)
    _age({"kind": CALL}, timedelta(hours=3))
    deliver(CHAT, _chat(chat_payload, "yesterday"))
    _age({"dedup_key__startswith": "yesterday"}, timedelta(hours=30))

    context = admin_client.get(URL).context
    hours = context["hours"]
    rows = {(item["row"].endpoint, item["row"].kind): item["row"] for item in context["traffic"]}

    assert len(hours) == 24
    assert hours[-1] <= timezone.now() < hours[-1] + timedelta(hours=1)
    chats = rows[("Acme collections", CHAT)]
    assert chats.per_hour[-1] == 3 and chats.total == 3  # the 30 h old one is out of the window
    calls = rows[("Acme collections", CALL)]
    assert calls.total == 1
    three_hours_ago = timezone.now() - timedelta(hours=3)
    assert calls.per_hour[hours.index(max(h for h in hours if h <= three_hours_ago))] == 1


@pytest.mark.django_db
def test_failures_are_grouped_by_their_first_line_and_link_to_those_events(
    admin_client, deliver, chat_payload, call_payload, failing
):
    for call_id in ("a", "b", "c"):
        deliver(CHAT, _chat(chat_payload, call_id))
    call_payload["call"]["call_start_time"] = "yesterday"
    deliver(CALL, call_payload)

    response = admin_client.get(URL)
    failures = {group["error_line"]: group for group in response.context["failures"]}

    assert failures["RuntimeError: upstream refused"]["events"] == 3
    assert len(failures) == 2
    other = next(line for line in failures if line != "RuntimeError: upstream refused")
    assert failures[other]["events"] == 1
    listed = admin_client.get(failures["RuntimeError: upstream refused"]["url"])
    assert listed.status_code == 200
    assert {event.kind for event in listed.context["cl"].result_list} == {CHAT}
    assert listed.context["cl"].result_count == 3


@pytest.mark.django_db
def test_process_again_replays_the_failed_events_of_one_error(
    client, deliver, chat_payload, failing, replace_processor
):
    for call_id in ("a", "b"):
        deliver(CHAT, _chat(chat_payload, call_id))
    replace_processor(CHAT, lambda inbound: None)  # the fix is deployed
    viewer = user_with("viewer", "integrations.view_webhookevent")
    client.force_login(viewer)

    refused = client.post(PROCESS_AGAIN, {"error_line": "RuntimeError: upstream refused"})
    assert refused.status_code == 403
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"failed"}

    client.force_login(
        user_with(
            "integrator", "integrations.view_webhookevent", "integrations.process_webhookevent"
        )
    )
    assert "Process again" in client.get(URL).content.decode()
    response = client.post(
        PROCESS_AGAIN, {"error_line": "RuntimeError: upstream refused"}, follow=True
    )

    assert response.redirect_chain[-1][0] == URL
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
    assert set(WebhookEvent.objects.values_list("attempts", flat=True)) == {2}
    assert "Processed 2 events again: 2 processed." in response.content.decode()
    assert not response.context["failures"]


@pytest.mark.django_db
def test_process_again_needs_the_csrf_token(admin_user, deliver, chat_payload, failing):
    deliver(CHAT, chat_payload)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = client.post(PROCESS_AGAIN, {"error_line": "RuntimeError: upstream refused"})

    assert response.status_code == 403
    assert WebhookEvent.objects.get().attempts == 1


@pytest.mark.django_db
def test_the_backlog_and_the_age_of_the_oldest_waiting_event(admin_client, endpoint, chat_payload):
    for call_id, minutes in (("old", 45), ("new", 2)):
        webhook_event_receive(
            endpoint=endpoint,
            kind=CHAT,
            body=json.dumps(_chat(chat_payload, call_id)).encode(),
            headers={},
            remote_addr=None,
            enqueue=False,
        )
        _age({"dedup_key__startswith": call_id}, timedelta(minutes=minutes))

    context = admin_client.get(URL).context

    assert context["backlog"].events == 2
    assert 45 * 60 <= context["backlog_age_seconds"] < 46 * 60
    assert admin_client.get(context["backlog_url"]).context["cl"].result_count == 2


@pytest.mark.django_db
def test_each_endpoint_shows_its_last_delivery(admin_client, deliver, chat_payload):
    quiet = webhook_endpoint_create(name="Quiet account")
    deliver(CHAT, chat_payload)
    _age({}, timedelta(hours=5))
    deliver(CHAT, chat_payload)  # a retry five hours later is still a delivery

    endpoints = {e.name: e for e in admin_client.get(URL).context["endpoints"]}

    assert endpoints[quiet.name].last_delivery_at is None
    assert timezone.now() - endpoints["Acme collections"].last_delivery_at < timedelta(minutes=1)
    assert "never" in admin_client.get(URL).content.decode()
