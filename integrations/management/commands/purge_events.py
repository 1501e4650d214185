from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from integrations.services import webhook_events_purge


class Command(BaseCommand):
    help = "Delete processed webhook events older than N days. Failed ones are kept."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")

    def handle(self, *args, **options):
        days = options["older_than"]
        if days < 0:
            raise CommandError("--older-than must be zero or more days")
        deleted = webhook_events_purge(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} processed event(s) older than {days} day(s).")
