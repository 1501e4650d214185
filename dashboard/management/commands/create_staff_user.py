"""Create a staff user with one role (and optionally the Customer details group), with a generated
password printed once.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from dashboard.roles import STAFF_ROLES, staff_user_create
from integrations.models import WebhookEndpoint
from staff.services import staff_accounts_set, staff_time_zone_set
from staff.zones import validate_zone


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=STAFF_ROLES)
        parser.add_argument(
            "--contact-details",
            action="store_true",
            help="Also let the user see customers' numbers and names unmasked.",
        )
        parser.add_argument(
            "--timezone",
            default="",
            help="The IANA time zone the user reads times in (default: the site's).",
        )
        parser.add_argument(
            "--endpoint",
            action="append",
            default=[],
            metavar="NAME",
            help="An AI Rudder account (endpoint name) the user sees; repeat for several. "
            "None: every account.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        try:
            validate_zone(options["timezone"])
        except ValidationError as exc:
            raise CommandError(f"--timezone: {exc.messages[0]}") from exc
        names = list(dict.fromkeys(options["endpoint"]))
        endpoints = {e.name: e.pk for e in WebhookEndpoint.objects.filter(name__in=names)}
        missing = [name for name in names if name not in endpoints]
        if missing:
            raise CommandError(f"--endpoint: No endpoint named {', '.join(map(repr, missing))}.")
        try:
            with transaction.atomic():
                user, password = staff_user_create(
                    username=options["username"],
                    role=options["role"],
                    contact_details=options["contact_details"],
                )
                staff_time_zone_set(user=user, time_zone=options["timezone"])
                staff_accounts_set(user=user, endpoint_ids=list(endpoints.values()))
        except IntegrityError as exc:
            raise CommandError(f"A user {options['username']!r} exists already.") from exc
        groups = sorted(user.groups.values_list("name", flat=True))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "username": user.username,
                        "password": password,
                        "groups": groups,
                        "timezone": options["timezone"] or None,
                        "endpoints": names,
                    }
                )
            )
            return
        self.stdout.write(
            f"User {user.username!r} created ({', '.join(groups)}) with the password: {password}\n"
            "It is shown this once only."
        )
