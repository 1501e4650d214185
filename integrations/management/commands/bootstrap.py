"""What ``make run`` does before it starts the server; safe to run any number of times.

It creates the webhook endpoint "default" and a superuser "admin" when they are missing (the
generated password is printed that one time only), feeds the demo data through the webhook's
own service unless it is there already, and prints the URLs to open and to give AI Rudder.
"""

import logging
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from integrations.demo import demo_load
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import webhook_endpoint_create

ENDPOINT_NAME = "default"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Set up a local run: the 'default' webhook endpoint, a superuser, the demo data, and "
        "print the admin URL and the webhook URLs. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Host the server listens on.")
        parser.add_argument("--port", default="8000", help="Port the server listens on.")
        parser.add_argument(
            "--base-url",
            help="Public base URL that AI Rudder reaches (default: AIRUDDER_PUBLIC_BASE_URL when "
            "set in the environment, else http://HOST:PORT).",
        )
        parser.add_argument(
            "--timezone",
            default="UTC",
            help="IANA time zone of the AI Rudder account, for a new 'default' endpoint only "
            "(default UTC; call results carry naive local times read in it).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args, **options):
        # The demo's hundred in-process tasks would each log a line; the summary says enough.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)
        endpoint = self._endpoint(options["timezone"])
        self._superuser()
        if not options["no_demo"]:
            self._demo(endpoint)
        host = options["host"]
        if host in ("", "0.0.0.0", "::"):  # noqa: S104 - listening everywhere: show loopback
            host = "127.0.0.1"
        local_url = f"http://{host}:{options['port']}"
        # The URLs for AI Rudder use the public address when one is configured.
        public_url = options["base_url"] or (
            settings.AIRUDDER_PUBLIC_BASE_URL
            if "AIRUDDER_PUBLIC_BASE_URL" in os.environ
            else local_url
        )
        self._urls(endpoint, local_url, public_url.rstrip("/"))

    def _endpoint(self, timezone_name: str) -> WebhookEndpoint:
        endpoint = WebhookEndpoint.objects.filter(name=ENDPOINT_NAME).first()
        if endpoint is not None:
            self.stdout.write(
                f"Webhook endpoint {ENDPOINT_NAME!r} exists (time zone {endpoint.timezone})."
            )
            if not endpoint.is_active:
                self.stdout.write(self.style.WARNING("  It is inactive: its URLs answer 404."))
            return endpoint
        try:
            endpoint = webhook_endpoint_create(name=ENDPOINT_NAME, timezone_name=timezone_name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Webhook endpoint {ENDPOINT_NAME!r} created (time zone {endpoint.timezone})."
            )
        )
        return endpoint

    def _superuser(self) -> None:
        users = get_user_model().objects
        if users.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists: no new password.")
            return
        if users.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"User {ADMIN_USERNAME!r} exists but is not a superuser; "
                    "create one with: .venv/bin/python manage.py createsuperuser"
                )
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=ADMIN_USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Superuser {ADMIN_USERNAME!r} created with the password: {password}\n"
                "  It is shown this once only; change it in the admin or with "
                f"`.venv/bin/python manage.py changepassword {ADMIN_USERNAME}`."
            )
        )

    def _demo(self, endpoint: WebhookEndpoint) -> None:
        report = demo_load(endpoint=endpoint)
        chats = report.delivered[WebhookEvent.Kind.CHATBOT_SESSION_END]
        calls = report.delivered[WebhookEvent.Kind.CALL_RESULT]
        if chats or calls:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {chats} chatbot notifications and {calls} call result "
                    f"pushes delivered to {endpoint.name!r}"
                    + (
                        f" ({report.already_loaded} were there already)."
                        if report.already_loaded
                        else "."
                    )
                )
            )
        else:
            self.stdout.write(f"Demo data already loaded ({report.already_loaded} deliveries).")
        for failure in report.failed:
            self.stdout.write(self.style.WARNING(f"  Demo delivery failed: {failure}"))

    def _urls(self, endpoint: WebhookEndpoint, local_url: str, public_url: str) -> None:
        urls = endpoint.webhook_urls(public_url)
        chat_url = urls[WebhookEvent.Kind.CHATBOT_SESSION_END]
        self.stdout.write(
            "\n"
            f"Admin:  {local_url}{reverse('admin:index')}\n"
            "\n"
            "Webhook URLs to give AI Rudder (the token in them is the credential: keep it secret; "
            "behind a public HTTPS host use that host instead):\n"
            f"  Chatbot session end notification:  {chat_url}\n"
            f"  Custom API node data push (calls): {urls[WebhookEvent.Kind.CALL_RESULT]}\n"
            "\n"
            "Try it with AI Rudder's example:\n"
            f"  curl -sS -X POST '{chat_url}' -H 'X-AIRudder-Sign;' "
            "-H 'Content-Type: application/json' "
            "--data-binary @tests/fixtures/chatbot_session_end.example.json\n"
        )
