"""``manage.py load_demo``: the demo data, delivered once through the real ingest path.

Used by ``make run`` (through ``bootstrap --load-demo``) and by the benchmarks. Safe to run any
number of times: a body delivered before is skipped, never counted as one of AI Rudder's retries,
and a demo loaded days ago is moved forward by those days, so the last days always have data.
"""

from django.core.management.base import BaseCommand, CommandError

from calls_app.kinds import CALL_RESULT
from demo.loader import demo_load, demo_move_forward
from integrations.models import WebhookEndpoint
from sessions_app.kinds import CHATBOT_SESSION_END


class Command(BaseCommand):
    help = "Deliver the demo's chat sessions and calls to an endpoint once; move them to today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--endpoint", default="default", help="Name of the endpoint to deliver to."
        )

    def handle(self, *args, **options):
        endpoint = WebhookEndpoint.objects.filter(name=options["endpoint"]).first()
        if endpoint is None:
            raise CommandError(
                f"No endpoint {options['endpoint']!r}: run manage.py bootstrap or create_endpoint."
            )
        days = demo_move_forward(endpoint=endpoint)
        if days:
            self.stdout.write(
                f"Demo data moved {days} day{'s' if days > 1 else ''} forward, to today."
            )
        report = demo_load(endpoint=endpoint)
        chats = report.delivered[CHATBOT_SESSION_END.slug]
        calls = report.delivered[CALL_RESULT.slug]
        if chats or calls:
            already = (
                f" ({report.already_loaded} were there already)." if report.already_loaded else "."
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {chats} chatbot notifications and {calls} call result "
                    f"pushes delivered to {endpoint.name!r}{already}"
                )
            )
        else:
            self.stdout.write(f"Demo data already loaded ({report.already_loaded} deliveries).")
        for failure in report.failed:
            self.stdout.write(self.style.WARNING(f"  Demo delivery failed: {failure}"))
