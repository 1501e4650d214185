from django.core.management.base import BaseCommand

from integrations.models import WebhookEvent
from integrations.services import webhook_events_process


class Command(BaseCommand):
    help = (
        "Process stored webhook events: by default those still 'received' (never picked up by a "
        "worker); --status failed replays failures after a fix."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            action="append",
            choices=[*WebhookEvent.Status.values, "all"],
            help="Status to process; repeat for several (default: received).",
        )

    def handle(self, *args, **options):
        statuses = options["status"] or [WebhookEvent.Status.RECEIVED]
        if "all" in statuses:
            # Dismissed events were set aside on purpose: only --status dismissed takes them.
            statuses = [s for s in WebhookEvent.Status.values if s != WebhookEvent.Status.DISMISSED]
        counts = webhook_events_process(statuses=statuses)
        total = sum(counts.values())
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"
        self.stdout.write(f"Processed {total} event(s): {summary}.")
