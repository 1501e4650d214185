"""What ``make run`` does before it starts the server; safe to run any number of times.

It creates the webhook endpoint "default" and a superuser "admin" when they are missing, then
ends with one short block to read: the URL, the user and its generated password (that one time
only), the URLs to give AI Rudder. ``--load-demo`` runs the demo's ``load_demo`` before it.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from integrations import kinds
from integrations.models import WebhookEndpoint
from integrations.services import webhook_endpoint_create

ENDPOINT_NAME = "default"
ADMIN_USERNAME = "admin"
MANAGE = ".venv/bin/python manage.py"  # as printed: it works as is in a tree `make run` set up


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
        parser.add_argument(
            "--load-demo",
            action="store_true",
            help="Also load the demo (manage.py load_demo) before printing the summary.",
        )

    def handle(self, *args, **options):
        endpoint = self._endpoint(options["timezone"])
        login = self._superuser()
        if options["load_demo"]:
            # By name: the demo is a reader's command, above this layer.
            call_command("load_demo", endpoint=ENDPOINT_NAME, stdout=self.stdout)
        host = options["host"]
        if host in ("", "0.0.0.0", "::"):  # noqa: S104 - listening everywhere: show loopback
            host = "127.0.0.1"
        local_url = f"http://{host}:{options['port']}"
        # The URLs for AI Rudder use the public address when one is configured.
        public_url = options["base_url"] or (settings.AIRUDDER_PUBLIC_BASE_URL or local_url)
        self._block(endpoint, login, local_url, public_url.rstrip("/"))

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

    def _superuser(self) -> list[tuple[str, str]]:
        """The block's login lines: the new password this once, else how to set one."""
        users = get_user_model().objects
        change = f"{MANAGE} changepassword {ADMIN_USERNAME}"
        if users.filter(is_superuser=True).exists():
            name = ADMIN_USERNAME if users.filter(username=ADMIN_USERNAME).exists() else None
            if name is None:
                return [("User", "the superuser you created (make run creates none)")]
            return [
                ("User", ADMIN_USERNAME),
                ("Password", f"shown on the first run only; a new one: {change}"),
            ]
        if users.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(
                self.style.WARNING(
                    f"User {ADMIN_USERNAME!r} exists but is not a superuser; "
                    f"create one with: {MANAGE} createsuperuser"
                )
            )
            return [("User", f"none yet: {MANAGE} createsuperuser")]
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=ADMIN_USERNAME, email="", password=password)
        return [
            ("User", ADMIN_USERNAME),
            ("Password", self.style.SUCCESS(password)),
            ("", f"shown this once only; to change it: {change}"),
        ]

    def _block(self, endpoint, login: list[tuple[str, str]], local_url: str, public_url: str):
        """The few lines to read once set up: where to log in, as whom, what AI Rudder calls."""
        urls = endpoint.webhook_urls(public_url)
        width = max(len(kind.label) for kind in kinds.all_kinds()) + 1
        webhooks = "".join(
            f"    {kind.label + ':':<{width}} {urls[kind.slug]}\n" for kind in kinds.all_kinds()
        )
        first = next(kinds.all_kinds())
        example = first.example.relative_to(settings.BASE_DIR)
        rows = [("Open", f"{local_url}{reverse('home')}"), *login]
        lines = "".join(f"  {label + ':' if label else '':<10}{text}\n" for label, text in rows)
        rule = "-" * 72
        self.stdout.write(
            f"\n{rule}\n"
            f"{self.style.MIGRATE_HEADING('AI Rudder inbox')}\n"
            f"{lines}"
            "  Webhook URLs to give AI Rudder (the token in them is the credential: keep it "
            "secret):\n"
            f"{webhooks}"
            f"  Try one:  curl -sS -X POST '{urls[first.slug]}' -H 'X-AIRudder-Sign;' "
            f"-H 'Content-Type: application/json' --data-binary @{example}\n"
            f"{rule}\n"
        )
