"""Read every call and chat session again for collections (after an upgrade, or to repair).

manage.py collections_rebuild [--since 2025-01-01]
"""

from django.core.management.base import BaseCommand

from collections_app.services import records_rebuild


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Only records from this date (YYYY-MM-DD).")

    def handle(self, *args, since=None, **options):
        count = records_rebuild(since=since)
        self.stdout.write(f"{count} records read")
