from django.core.management.base import BaseCommand, CommandError

from dashboard.roles import MissingPermission, roles_setup


class Command(BaseCommand):
    help = (
        "Create or repair the groups Support, Managers, Integrators and Customer details with "
        "exactly their permissions. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            result = roles_setup()
        except MissingPermission as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] == 0:  # `make run`: its last lines are the ones to read
            return
        for name, (created, count) in result.items():
            state = "created" if created else "updated"
            self.stdout.write(f"{name}: {state}, {count} permissions")
