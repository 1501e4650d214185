"""The inbox in the admin: endpoints and their URLs, events and processing them again, workflows."""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from calls_app.kinds import CALL_RESULT
from integrations.models import WebhookEndpoint, WebhookEvent, Workflow
from integrations.services import webhook_endpoint_create, webhook_event_receive
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
CALL = CALL_RESULT.slug
pytestmark = pytest.mark.django_db

ENDPOINTS_URL = reverse("admin:integrations_webhookendpoint_changelist")
EVENTS_URL = reverse("admin:integrations_webhookevent_changelist")
WORKFLOWS_URL = reverse("admin:integrations_workflow_changelist")


def endpoint_url(endpoint) -> str:
    return reverse("admin:integrations_webhookendpoint_change", args=[endpoint.pk])


def event_url(event) -> str:
    return reverse("admin:integrations_webhookevent_change", args=[event.pk])


def process_url(event) -> str:
    return reverse("admin:integrations_webhookevent_process", args=[event.pk])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def event_viewer(db):
    """Staff who may look at events but not process them."""
    user = User.objects.create_user("viewer", password=None, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_webhookevent"))
    return user


@pytest.fixture
def viewer_client(client, event_viewer):
    client.force_login(event_viewer)
    return client


@pytest.fixture
def store(endpoint):
    """A stored delivery, unprocessed, as the webhook view leaves it before its task runs."""

    def _store(body, *, kind=CHAT, to=None, status=None, **fields) -> WebhookEvent:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        event = webhook_event_receive(
            endpoint=to or endpoint,
            kind=kind,
            body=raw,
            headers={"User-Agent": "Airudder", "X-Airudder-Sign": ""},
            remote_addr="203.0.113.7",
        ).event
        if status or fields:
            WebhookEvent.objects.filter(pk=event.pk).update(
                **fields, **({"status": status} if status else {})
            )
            event.refresh_from_db()
        return event

    return _store


class TestEndpoint:
    def test_list_shows_name_timezone_active_and_signed(self, admin_client, endpoint):
        webhook_endpoint_create(name="Signed one", signing_secret="s3cret")

        response = admin_client.get(ENDPOINTS_URL)

        assertContains(response, "Acme collections")
        assertContains(response, '<td class="field-timezone">Asia/Jakarta</td>', html=True)
        assertContains(
            response,
            '<td class="field-signed"><img src="/static/admin/img/icon-no.svg" alt="False"></td>',
            html=True,
        )
        assertContains(
            response,
            '<td class="field-signed"><img src="/static/admin/img/icon-yes.svg" alt="True"></td>',
            html=True,
        )

    def test_change_page_shows_full_urls_from_the_request(self, admin_client, endpoint):
        response = admin_client.get(endpoint_url(endpoint))

        assertContains(
            response, f"http://testserver/webhooks/airudder/{endpoint.token}/chatbot-session-end/"
        )
        assertContains(
            response, f"http://testserver/webhooks/airudder/{endpoint.token}/call-result/"
        )

    @override_settings(ALLOWED_HOSTS=["hooks.example.com"])
    def test_urls_follow_the_host_and_scheme_the_admin_is_reached_at(self, admin_client, endpoint):
        response = admin_client.get(
            endpoint_url(endpoint), HTTP_HOST="hooks.example.com", secure=True
        )

        assertContains(
            response, f"https://hooks.example.com/webhooks/airudder/{endpoint.token}/call-result/"
        )

    def test_without_secret_says_the_token_alone_authenticates(self, admin_client, endpoint):
        response = admin_client.get(endpoint_url(endpoint))

        assertContains(response, "No signing secret is set: the URL's token alone authenticates")

    def test_with_secret_says_notifications_must_be_signed(self, admin_client, endpoint):
        endpoint.signing_secret = "s3cret"
        endpoint.save()

        response = admin_client.get(endpoint_url(endpoint))

        assertNotContains(response, "No signing secret is set")
        assertContains(response, "must carry an <code>X-AIRudder-Sign</code> header")

    def test_add_generates_a_token_that_cannot_be_chosen(self, admin_client):
        add_url = reverse("admin:integrations_webhookendpoint_add")
        form = admin_client.get(add_url).context["adminform"].form
        assert "token" not in form.fields

        response = admin_client.post(
            add_url,
            {
                "name": "New",
                "timezone": "Europe/Paris",
                "default_country": "FR",
                "signing_secret": "",
                "is_active": "on",
                "token": "chosen-by-me",
            },
        )

        assert response.status_code == 302
        endpoint = WebhookEndpoint.objects.get(name="New")
        assert endpoint.token != "chosen-by-me"
        assert len(endpoint.token) >= 43
        assert endpoint.timezone == "Europe/Paris"
        # The endpoint answers at its generated URL.
        page = admin_client.get(endpoint_url(endpoint))
        assertContains(page, f"/webhooks/airudder/{endpoint.token}/chatbot-session-end/")

    def test_invalid_timezone_is_refused(self, admin_client):
        response = admin_client.post(
            reverse("admin:integrations_webhookendpoint_add"),
            {"name": "New", "timezone": "Mars/Olympus", "default_country": "ID", "is_active": "on"},
        )

        assert response.status_code == 200
        assertContains(response, "&#x27;Mars/Olympus&#x27; is not an IANA time zone.")
        assert not WebhookEndpoint.objects.exists()

    def test_editing_keeps_the_token(self, admin_client, endpoint):
        token = endpoint.token

        admin_client.post(
            endpoint_url(endpoint),
            {
                "name": "Renamed",
                "timezone": "UTC",
                "default_country": "ID",
                "signing_secret": "abc",
                "is_active": "on",
            },
        )

        endpoint.refresh_from_db()
        assert (endpoint.name, endpoint.signing_secret, endpoint.token) == ("Renamed", "abc", token)


class TestEventList:
    @pytest.fixture
    def events(self, store, endpoint, chat_payload, call_payload):
        other = webhook_endpoint_create(name="Other account")
        return {
            "received": store(chat_payload),
            "failed": store(b"{oops"),
            "processed": store(call_payload, kind=CALL, to=other, status="processed"),
        }

    def listed(self, response) -> set[int]:
        assert response.status_code == 200
        return {event.pk for event in response.context["cl"].result_list}

    def test_columns(self, admin_client, events):
        response = admin_client.get(EVENTS_URL)

        assert self.listed(response) == {event.pk for event in events.values()}
        assertContains(response, "Chatbot session end")
        assertContains(response, "Call result (API node push)")
        assertContains(response, "Other account")
        assertContains(response, "body is not valid JSON: Expecting property name enclosed in")
        assertNotContains(response, events["failed"].error)  # shortened in the list
        for column in (
            "id",
            "kind",
            "endpoint",
            "status",
            "received_at",
            "delivery_count",
            "attempts",
        ):
            assertContains(response, f"column-{column}", count=1)

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"status__exact": "failed"}, {"failed"}),
            ({"status__exact": "received"}, {"received"}),
            ({"kind__exact": "call_result"}, {"processed"}),
            ({"kind__exact": "chatbot_session_end"}, {"received", "failed"}),
        ],
    )
    def test_filters(self, admin_client, events, query, expected):
        response = admin_client.get(EVENTS_URL, query)

        assert self.listed(response) == {events[name].pk for name in expected}

    def test_endpoint_filter(self, admin_client, events):
        other = WebhookEndpoint.objects.get(name="Other account")

        response = admin_client.get(EVENTS_URL, {"endpoint__id__exact": other.pk})

        assert self.listed(response) == {events["processed"].pk}

    def test_date_hierarchy(self, admin_client, events):
        received = events["received"].received_at

        response = admin_client.get(
            EVENTS_URL, {"received_at__year": received.year, "received_at__month": received.month}
        )

        assert self.listed(response) == {event.pk for event in events.values()}
        assert self.listed(admin_client.get(EVENTS_URL, {"received_at__year": 1999})) == set()

    def test_search_by_dedup_key(self, admin_client, events, chat_payload):
        response = admin_client.get(EVENTS_URL, {"q": chat_payload["call_id"]})

        assert self.listed(response) == {events["received"].pk}

    def test_nobody_can_add_events(self, admin_client):
        assert admin_client.get(reverse("admin:integrations_webhookevent_add")).status_code == 403
        assertNotContains(admin_client.get(EVENTS_URL), "webhookevent/add/")


class TestEventPage:
    def test_body_is_pretty_printed_with_headers(self, admin_client, store, chat_payload):
        event = store(chat_payload)

        response = admin_client.get(event_url(event))

        assert response.status_code == 200
        assertContains(
            response, "{\n  &quot;workflow_id&quot;: &quot;4cb9db206ac04xxxxxxxxa315e4e613d2&quot;,"
        )
        assertContains(response, "&quot;text&quot;: &quot;请选择您的性别(button)👉👉👉&quot;")
        assertContains(response, "<tr><th>User-Agent</th><td>Airudder</td></tr>", html=True)
        assertContains(response, "203.0.113.7")

    def test_body_that_is_not_json_is_shown_as_it_came(self, admin_client, store):
        event = store(b"{oops <b>bold</b>")

        response = admin_client.get(event_url(event))

        assertContains(
            response, '<pre class="webhook-body">{oops &lt;b&gt;bold&lt;/b&gt;</pre>', html=True
        )
        assertContains(response, "body is not valid JSON")

    def test_body_and_error_are_escaped(self, admin_client, store, chat_payload):
        chat_payload["callee"] = "<script>alert(1)</script>"
        event = store(chat_payload, error="<script>alert(2)</script>", traceback="<img src=x>")

        response = admin_client.get(event_url(event))

        assertNotContains(response, "<script>alert")
        assertNotContains(response, "<img src=x>")
        assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        assertContains(response, "&lt;script&gt;alert(2)&lt;/script&gt;")

    def test_error_and_traceback_of_a_failure(
        self, admin_client, store, chat_payload, replace_processor
    ):
        def broken(inbound):
            raise RuntimeError("disk on fire")

        replace_processor(CHAT, broken)
        event = store(chat_payload)
        admin_client.post(process_url(event))

        response = admin_client.get(event_url(event))

        assertContains(response, "RuntimeError: disk on fire")
        assertContains(response, "Traceback (most recent call last)")

    def test_is_read_only_even_for_a_superuser(self, admin_client, store, chat_payload):
        event = store(chat_payload)

        response = admin_client.get(event_url(event))

        assert response.context["has_change_permission"] is False
        assertNotContains(response, 'name="_save"')
        assert admin_client.post(event_url(event), {"status": "processed"}).status_code == 403
        event.refresh_from_db()
        assert event.status == WebhookEvent.Status.RECEIVED

    def test_viewer_can_read_an_event(self, viewer_client, store, chat_payload):
        event = store(chat_payload)

        response = viewer_client.get(event_url(event))

        assertContains(response, "&quot;call_id&quot;")
        assertNotContains(response, "Process again")


class TestProcessAgain:
    def test_action_processes_each_selected_event_and_reports_outcomes(
        self, admin_client, store, chat_payload
    ):
        fine = store(chat_payload, status="failed", error="old error")
        broken = store({**chat_payload, "call_id": "other", "timestamp": "later"})
        untouched = store({**chat_payload, "call_id": "untouched"})

        response = admin_client.post(
            EVENTS_URL,
            {"action": "process_again", "_selected_action": [fine.pk, broken.pk], "index": "0"},
        )

        assert response.status_code == 302
        assert texts(response) == [
            "Processed 2 event(s) again: 1 processed, 1 failed. "
            "The records of 1 changed: see each event's page."
        ]
        fine.refresh_from_db()
        broken.refresh_from_db()
        untouched.refresh_from_db()
        assert (fine.status, fine.error, fine.attempts) == ("processed", "", 1)
        assert broken.status == "failed"
        assert broken.error == "timestamp: expected an integer, got 'later'"
        assert untouched.status == "received"
        assert list(ChatSession.objects.values_list("call_id", flat=True)) == [
            chat_payload["call_id"]
        ]

    def test_action_processes_a_processed_event_again(self, admin_client, store, chat_payload):
        event = store(chat_payload)
        admin_client.post(
            EVENTS_URL, {"action": "process_again", "_selected_action": [event.pk]}, follow=True
        )

        response = admin_client.post(
            EVENTS_URL, {"action": "process_again", "_selected_action": [event.pk]}
        )

        assert texts(response) == [
            "Processed 1 event(s) again: 1 processed. Their records did not change."
        ]
        event.refresh_from_db()
        assert event.attempts == 2
        assert ChatSession.objects.count() == 1

    def test_action_is_offered_to_those_who_may_process_events(
        self, admin_client, store, chat_payload
    ):
        store(chat_payload)

        response = admin_client.get(EVENTS_URL)

        assert "process_again" in dict(response.context["action_form"].fields["action"].choices)

    def test_viewer_is_not_offered_the_action_and_cannot_run_it(
        self, viewer_client, store, chat_payload
    ):
        event = store(chat_payload)

        page = viewer_client.get(EVENTS_URL)
        response = viewer_client.post(
            EVENTS_URL, {"action": "process_again", "_selected_action": [event.pk]}
        )

        assert page.status_code == 200
        assert page.context["action_form"] is None or "process_again" not in dict(
            page.context["action_form"].fields["action"].choices
        )
        assert response.status_code in (200, 302)
        event.refresh_from_db()
        assert (event.status, event.attempts) == ("received", 0)

    def test_staff_with_the_process_permission_may_process(self, client, store, chat_payload):
        user = User.objects.create_user("operator", password=None, is_staff=True)
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_webhookevent", "process_webhookevent"])
        )
        client.force_login(user)
        event = store(chat_payload)

        page = client.get(event_url(event))
        listing = client.get(EVENTS_URL)
        response = client.post(process_url(event))

        assertContains(page, f'action="{process_url(event)}"')
        assert "process_again" in dict(listing.context["action_form"].fields["action"].choices)
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.status == "processed"
        # Processing is not changing: the event itself stays read-only for them.
        assert client.post(event_url(event), {"status": "failed"}).status_code == 403

    def test_the_change_permission_alone_does_not_process(self, client, store, chat_payload):
        user = User.objects.create_user("editor", password=None, is_staff=True)
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_webhookevent", "change_webhookevent"])
        )
        client.force_login(user)
        event = store(chat_payload)

        page = client.get(event_url(event))
        action = client.post(
            EVENTS_URL, {"action": "process_again", "_selected_action": [event.pk]}
        )
        button = client.post(process_url(event))

        assertNotContains(page, "Process again")
        assert button.status_code == 403
        assert action.status_code in (200, 302)
        event.refresh_from_db()
        assert (event.status, event.attempts) == ("received", 0)

    def test_button_on_the_change_page(self, admin_client, store, chat_payload):
        event = store(chat_payload)

        page = admin_client.get(event_url(event))
        assertContains(page, f'action="{process_url(event)}"')
        response = admin_client.post(process_url(event))

        assert response.status_code == 302
        assert response.url == event_url(event)
        assert texts(response) == [
            "Processed 1 event(s) again: 1 processed. "
            "The records of 1 changed: see each event's page."
        ]
        event.refresh_from_db()
        assert event.status == "processed"

    def test_button_needs_a_post(self, admin_client, store, chat_payload):
        event = store(chat_payload)

        assert admin_client.get(process_url(event)).status_code == 405
        event.refresh_from_db()
        assert event.attempts == 0

    def test_viewer_cannot_use_the_button(self, viewer_client, store, chat_payload):
        event = store(chat_payload)

        assert viewer_client.post(process_url(event)).status_code == 403
        event.refresh_from_db()
        assert event.attempts == 0

    def test_button_for_a_missing_event_is_404(self, admin_client):
        assert (
            admin_client.post(
                reverse("admin:integrations_webhookevent_process", args=[999])
            ).status_code
            == 404
        )

    def test_anonymous_is_sent_to_the_login(self, client, store, chat_payload):
        event = store(chat_payload)

        response = client.post(process_url(event))

        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        event.refresh_from_db()
        assert event.attempts == 0


class TestWorkflows:
    def test_list_shows_ids_names_and_counts(self, admin_client, deliver, chat_payload):
        deliver(CHAT, chat_payload)
        deliver(CHAT, {**chat_payload, "call_id": "second"})
        Workflow.objects.create(workflow_id="wf-idle", name="Idle workflow")

        response = admin_client.get(WORKFLOWS_URL)

        assertContains(response, "0970_0415_1")
        assertContains(response, "4cb9db206ac04xxxxxxxxa315e4e613d2")
        rows = {
            w.workflow_id: (w.chat_session_count, w.call_count)
            for w in response.context["cl"].result_list
        }
        assert rows == {"4cb9db206ac04xxxxxxxxa315e4e613d2": (2, 0), "wf-idle": (0, 0)}

    def test_search_by_name_or_id(self, admin_client):
        Workflow.objects.create(workflow_id="wf-1", name="Renewals")
        Workflow.objects.create(workflow_id="wf-2", name="Collections")

        response = admin_client.get(WORKFLOWS_URL, {"q": "renew"})

        assert [w.workflow_id for w in response.context["cl"].result_list] == ["wf-1"]

    def test_is_read_only(self, admin_client):
        workflow = Workflow.objects.create(workflow_id="wf-1", name="Renewals")
        change = reverse("admin:integrations_workflow_change", args=[workflow.pk])

        assert admin_client.get(reverse("admin:integrations_workflow_add")).status_code == 403
        assert admin_client.post(change, {"name": "x"}).status_code == 403
        assert (
            admin_client.post(
                reverse("admin:integrations_workflow_delete", args=[workflow.pk])
            ).status_code
            == 403
        )
        workflow.refresh_from_db()
        assert workflow.name == "Renewals"
