"""Say what an intention code (or, with ``--kind labels``, an event label) means for an account.

    manage.py label_intention "Acme collections" E --label "Promise to pay" --group promise_to_pay
    manage.py label_intention 3 Correct_Person --kind labels --label "Right person" \
        --group other --right-party

ENDPOINT is the account's name or id. The records already classified with it are read again.
"""

from django.core.management.base import BaseCommand, CommandError

from collections_app.models import Group, Outcome
from collections_app.services import outcome_reclassify
from collections_app.vocabulary import outcome_label
from integrations.models import WebhookEndpoint


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("endpoint", help="The account (endpoint) name or id.")
        parser.add_argument("code")
        parser.add_argument("--label", required=True)
        parser.add_argument("--group", required=True, choices=Group.values)
        parser.add_argument("--kind", default=Outcome.Kind.CALLS, choices=Outcome.Kind.values)
        parser.add_argument("--right-party", action="store_true", default=None)
        parser.add_argument("--not-right-party", dest="right_party", action="store_false")

    def handle(self, *args, endpoint, code, label, group, kind, right_party, **options):
        found = WebhookEndpoint.objects.filter(name=endpoint).first()
        if found is None and endpoint.isdigit():
            found = WebhookEndpoint.objects.filter(pk=int(endpoint)).first()
        if found is None:
            raise CommandError(f"no endpoint named {endpoint!r}")
        outcome = outcome_label(
            endpoint=found, kind=kind, code=code, label=label, group=group, right_party=right_party
        )
        count = outcome_reclassify(outcome)
        self.stdout.write(
            f"{found.name} {kind} {outcome.code}: {label} ({group}); {count} read again"
        )
