"""``manage.py roll_outcomes``: roll up the dashboard's pending days now (beat does it too)."""

import time

from django.core.management.base import BaseCommand

from dashboard.rollups import roll_pending


class Command(BaseCommand):
    help = (
        "Count every closed day not rolled up yet (or changed since) into the dashboard's daily "
        "rollups; run after loading data in bulk. Celery beat runs the same every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many days")

    def handle(self, *args, **options):
        started = time.monotonic()
        rolled = roll_pending(options["limit"])
        days = ", ".join(f"{count} days of {kind}" for kind, count in rolled.items())
        self.stdout.write(f"Rolled up {days} in {time.monotonic() - started:.1f} s.")
