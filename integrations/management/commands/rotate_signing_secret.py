"""Give an endpoint a new signing secret (generated unless --secret is given); the current one is
still accepted for --overlap-hours, until AI Rudder has the new one.
"""

import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from integrations.models import WebhookEndpoint
from integrations.services import webhook_endpoint_rotate_secret


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--secret", default="", help="The new secret (default: generated).")
        parser.add_argument("--overlap-hours", type=float, default=24.0)
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        endpoint = WebhookEndpoint.objects.filter(name=options["name"]).first()
        if endpoint is None:
            raise CommandError(f"No endpoint {options['name']!r}.")
        if options["overlap_hours"] < 0:
            raise CommandError("--overlap-hours must not be negative.")
        secret = webhook_endpoint_rotate_secret(
            endpoint=endpoint,
            new_secret=options["secret"],
            overlap=timedelta(hours=options["overlap_hours"]),
        )
        expires = endpoint.previous_secret_expires_at
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "name": endpoint.name,
                        "signing_secret": secret,
                        "previous_secret_expires_at": expires.isoformat() if expires else None,
                    }
                )
            )
            return
        self.stdout.write(f"New signing secret of {endpoint.name!r}: {secret}")
        if expires:
            self.stdout.write(f"The previous secret is accepted until {expires:%Y-%m-%d %H:%M %Z}.")
