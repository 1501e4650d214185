"""Delete webhook deliveries and records older than their retention
(AIRUDDER_RETENTION_EVENTS_DAYS, AIRUDDER_RETENTION_RECORDS_DAYS; 0 keeps forever). --dry-run
counts what would be deleted.
"""

from django.core.management.base import BaseCommand

from privacy.retention import apply_retention, targets


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        counts = apply_retention(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for target in targets():
            age = f"older than {target.days} days" if target.days > 0 else "kept forever"
            self.stdout.write(f"{verb} {counts.get(target.name, 0)} {target.name} ({age}).")
