"""What ``make run`` does before it starts the server; safe to run any number of times.

It creates the webhook endpoint "default" and a superuser "admin" when they are missing (the
generated password is printed that one time only) and prints the URLs to open and to give AI
Rudder. The demo data is another command's (``manage.py load_demo``, in the ``demo`` app).
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from integrations import kinds
from integrations.models import WebhookEndpoint
from integrations.services import webhook_endpoint_create

ENDPOINT_NAME = "default"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Set up a local run: the 'default' webhook endpoint and a superuser, and print the admin "
        "URL and the webhook URLs. Running it again changes nothing."
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

    def handle(self, *args, **options):
        endpoint = self._endpoint(options["timezone"])
        self._superuser()
        host = options["host"]
        if host in ("", "0.0.0.0", "::"):  # noqa: S104 - listening everywhere: show loopback
            host = "127.0.0.1"
        local_url = f"http://{host}:{options['port']}"
        # The URLs for AI Rudder use the public address when one is configured.
        public_url = options["base_url"] or (settings.AIRUDDER_PUBLIC_BASE_URL or local_url)
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

    def _urls(self, endpoint: WebhookEndpoint, local_url: str, public_url: str) -> None:
        urls = endpoint.webhook_urls(public_url)
        width = max(len(kind.label) for kind in kinds.all_kinds()) + 1
        lines = "".join(
            f"  {kind.label + ':':<{width}} {urls[kind.slug]}\n" for kind in kinds.all_kinds()
        )
        first = next(kinds.all_kinds())
        example = first.example.relative_to(settings.BASE_DIR)
        self.stdout.write(
            "\n"
            f"Admin:  {local_url}{reverse('admin:index')}\n"
            "\n"
            "Webhook URLs to give AI Rudder (the token in them is the credential: keep it secret; "
            "behind a public HTTPS host use that host instead):\n"
            f"{lines}"
            "\n"
            "Try it with AI Rudder's example:\n"
            f"  curl -sS -X POST '{urls[first.slug]}' -H 'X-AIRudder-Sign;' "
            "-H 'Content-Type: application/json' "
            f"--data-binary @{example}\n"
        )
