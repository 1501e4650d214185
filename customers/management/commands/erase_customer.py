import getpass
import json

from django.core.management.base import BaseCommand, CommandError

from customers.erasure import ErasureError, customer_erase


class Command(BaseCommand):
    help = (
        "Erase everything held about one customer (calls, chat sessions, their raw deliveries), "
        "found by phone number written any way. Leaves an audit entry without the number."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, metavar="NUMBER")
        parser.add_argument("--dry-run", action="store_true", help="Count, remove nothing.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        try:
            report = customer_erase(
                phone=options["phone"],
                dry_run=options["dry_run"],
                username=f"manage.py erase_customer ({who})",
            )
        except ErasureError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        verb = "Would remove" if report.dry_run else "Removed"
        self.stdout.write(
            f"{verb} {report.total} row(s) held about customer {report.subject_hash[:12]}:"
        )
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count}")
