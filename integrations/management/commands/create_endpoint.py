import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrations.services import webhook_endpoint_create


class Command(BaseCommand):
    help = "Create a webhook endpoint and print the URLs to give AI Rudder."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--timezone", default="UTC", help="The account's IANA time zone.")
        parser.add_argument("--secret", default="", help="Signing secret for X-AIRudder-Sign.")
        parser.add_argument("--base-url", help="Public base URL (AIRUDDER_PUBLIC_BASE_URL).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        try:
            endpoint = webhook_endpoint_create(
                name=options["name"],
                timezone_name=options["timezone"],
                signing_secret=options["secret"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        urls = endpoint.webhook_urls(options["base_url"])
        if options["json"]:
            output = {
                "id": endpoint.pk,
                "name": endpoint.name,
                "token": endpoint.token,
                "timezone": endpoint.timezone,
                "signed": bool(endpoint.signing_secret),
                "urls": urls,
            }
            self.stdout.write(json.dumps(output, indent=2))
            return
        self.stdout.write(f"Endpoint {endpoint.name!r} created (time zone {endpoint.timezone}).")
        if not (options["base_url"] or settings.AIRUDDER_PUBLIC_BASE_URL):
            self.stdout.write(
                "No public address is configured (AIRUDDER_PUBLIC_BASE_URL or --base-url): "
                "prefix these paths with the address AI Rudder reaches this server at."
            )
        for kind, url in urls.items():
            self.stdout.write(f"  {kind}: {url}")
