"""The inbox's management commands: create_endpoint, process_events, purge_events."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from integrations.models import WebhookEndpoint, WebhookEvent, token_digest
from integrations.services import webhook_event_receive
from sessions_app.kinds import CHATBOT_SESSION_END
from sessions_app.models import ChatSession

CHAT = CHATBOT_SESSION_END.slug
pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stored(endpoint, chat_payload):
    """Events stored as the webhook view stores them, left unprocessed, one per call id."""

    def _stored(call_id: str, *, status=WebhookEvent.Status.RECEIVED, **payload_changes):
        body = json.dumps({**chat_payload, "call_id": call_id, **payload_changes}).encode()
        event = webhook_event_receive(
            endpoint=endpoint, kind=CHAT, body=body, headers={}, remote_addr=None
        ).event
        WebhookEvent.objects.filter(pk=event.pk).update(status=status)
        return event

    return _stored


class TestCreateEndpoint:
    def test_json_prints_the_token_and_the_full_urls(self):
        output = json.loads(
            run(
                "create_endpoint",
                "Acme",
                "--timezone",
                "Asia/Jakarta",
                "--base-url",
                "https://hooks.example.com/",
                "--json",
            )
        )

        endpoint = WebhookEndpoint.objects.get(name="Acme")
        assert output["token"] == endpoint.token
        assert len(endpoint.token) >= 43  # 32 random bytes, URL-safe base64
        assert endpoint.token_sha256 == token_digest(endpoint.token)
        assert output["timezone"] == "Asia/Jakarta"
        assert output["signed"] is False
        assert output["urls"] == {
            "chatbot_session_end": (
                f"https://hooks.example.com/webhooks/airudder/{endpoint.token}/chatbot-session-end/"
            ),
            "call_result": f"https://hooks.example.com/webhooks/airudder/{endpoint.token}/call-result/",
        }

    @override_settings(AIRUDDER_PUBLIC_BASE_URL="https://public.example.org")
    def test_urls_default_to_the_public_base_url_setting(self):
        output = json.loads(run("create_endpoint", "Acme", "--json"))

        assert output["urls"]["chatbot_session_end"].startswith(
            "https://public.example.org/webhooks/airudder/"
        )
        assert output["timezone"] == "UTC"

    @override_settings(AIRUDDER_PUBLIC_BASE_URL="")
    def test_without_a_public_address_it_prints_paths_and_says_so(self):
        output = run("create_endpoint", "Acme")

        token = WebhookEndpoint.objects.get().token
        assert f"  call_result: /webhooks/airudder/{token}/call-result/" in output
        assert "8000" not in output
        assert "No public address is configured" in output

    def test_secret_makes_it_signed(self):
        output = json.loads(run("create_endpoint", "Acme", "--secret", "s3cret", "--json"))

        assert output["signed"] is True
        assert WebhookEndpoint.objects.get().signing_secret == "s3cret"

    def test_text_output_lists_the_urls(self):
        output = run("create_endpoint", "Acme")

        token = WebhookEndpoint.objects.get().token
        assert f"/webhooks/airudder/{token}/chatbot-session-end/" in output
        assert f"/webhooks/airudder/{token}/call-result/" in output

    def test_each_endpoint_gets_its_own_token(self):
        first = json.loads(run("create_endpoint", "A", "--json"))["token"]
        second = json.loads(run("create_endpoint", "B", "--json"))["token"]

        assert first != second

    def test_invalid_timezone_is_an_error_and_creates_nothing(self):
        with pytest.raises(CommandError, match="'Mars/Olympus' is not an IANA time zone"):
            run("create_endpoint", "Acme", "--timezone", "Mars/Olympus")

        assert not WebhookEndpoint.objects.exists()

    def test_duplicate_name_is_an_error(self):
        run("create_endpoint", "Acme")

        with pytest.raises(CommandError, match="with this Name already exists"):
            run("create_endpoint", "Acme")


class TestProcessEvents:
    def test_default_processes_received_events_only(self, stored):
        stored("received-1")
        stored("received-2")
        failed = stored("failed-1", status=WebhookEvent.Status.FAILED)

        output = run("process_events")

        assert output.strip() == "Processed 2 event(s): 2 processed."
        assert set(ChatSession.objects.values_list("call_id", flat=True)) == {
            "received-1",
            "received-2",
        }
        failed.refresh_from_db()
        assert failed.status == WebhookEvent.Status.FAILED

    def test_status_failed_replays_failures(self, stored):
        stored("received-1")
        stored("failed-1", status=WebhookEvent.Status.FAILED)
        stored("failed-bad", status=WebhookEvent.Status.FAILED, session_start_time="never")

        output = run("process_events", "--status", "failed")

        assert output.strip() == "Processed 2 event(s): 1 failed, 1 processed."
        assert list(ChatSession.objects.values_list("call_id", flat=True)) == ["failed-1"]
        bad = WebhookEvent.objects.get(dedup_key__startswith="failed-bad")
        assert bad.error.startswith("session_start_time:")
        assert WebhookEvent.objects.get(dedup_key__startswith="received-1").status == "received"

    def test_nothing_to_process(self, db):
        assert run("process_events").strip() == "Processed 0 event(s): none."

    def test_unknown_status_is_refused(self, db):
        with pytest.raises(CommandError):
            run("process_events", "--status", "lost")


class TestPurgeEvents:
    def test_deletes_processed_events_older_than_the_days_given(self, stored):
        old = stored("old", status=WebhookEvent.Status.PROCESSED)
        stored("recent", status=WebhookEvent.Status.PROCESSED)
        old_failed = stored("old-failed", status=WebhookEvent.Status.FAILED)
        WebhookEvent.objects.filter(pk__in=[old.pk, old_failed.pk]).update(
            received_at=timezone.now() - timedelta(days=15)
        )

        output = run("purge_events", "--older-than", "14")

        assert output.strip() == "Deleted 1 processed event(s) older than 14 day(s)."
        assert not WebhookEvent.objects.filter(pk=old.pk).exists()
        assert WebhookEvent.objects.count() == 2

    def test_older_than_is_required(self, db):
        with pytest.raises(CommandError):
            run("purge_events")

    def test_negative_days_are_refused(self, db):
        with pytest.raises(CommandError, match="zero or more"):
            run("purge_events", "--older-than", "-1")
