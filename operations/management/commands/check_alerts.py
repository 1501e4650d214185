"""Check the alert conditions (failures, backlog age, silent endpoints): open an incident and send
one alert for each that starts firing, resolve those that cleared. Celery beat runs the same
check every minute. --dry-run only prints the conditions.
"""

from django.core.management.base import BaseCommand

from operations.alerts import alerts_check, conditions_evaluate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            for condition in conditions_evaluate():
                state = "FIRING" if condition.firing else "ok"
                self.stdout.write(f"{state:6} {condition.key}: {condition.message}")
            return
        result = alerts_check()
        for key in result["opened"]:
            self.stdout.write(f"Opened {key}")
        for key in result["resolved"]:
            self.stdout.write(f"Resolved {key}")
        if not result["opened"] and not result["resolved"]:
            self.stdout.write("No change.")
