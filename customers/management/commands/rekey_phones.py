"""Recompute the phone keys of calls and chat sessions (E.164 digits, local numbers read in
their endpoint's default country): after upgrading to E.164 keys and after changing an
endpoint's default_country (the country of the endpoint whose delivery wrote each record, or
AIRUDDER_DEFAULT_PHONE_REGION when it was purged). Safe to run again.
"""

from django.core.management.base import BaseCommand

from calls_app.models import CallResult
from records.phones import phone_key
from sessions_app.models import ChatSession

BATCH = 500

# Each model's numbers and the key stored beside each.
KEYED = {
    ChatSession: {"callee": "callee_key"},
    CallResult: {"callee_number": "callee_number_key", "contact_number": "contact_number_key"},
}


def rekey(model, numbers: dict[str, str], *, dry_run: bool = False) -> int:
    """Rows of ``model`` whose keys changed (saved unless ``dry_run``)."""
    changed, batch = 0, []
    rows = model._default_manager.select_related("event__endpoint").only(
        "pk", "event__endpoint__default_country", *numbers, *numbers.values()
    )
    for row in rows.order_by("pk").iterator(chunk_size=BATCH):
        endpoint = row.event.endpoint if row.event_id else None
        region = endpoint.default_country if endpoint else ""
        dirty = False
        for number, key in numbers.items():
            new = phone_key(getattr(row, number), region)
            if getattr(row, key) != new:
                setattr(row, key, new)
                dirty = True
        if dirty:
            changed += 1
            batch.append(row)
        if len(batch) >= BATCH:
            if not dry_run:
                model._default_manager.bulk_update(batch, list(numbers.values()))
            batch = []
    if batch and not dry_run:
        model._default_manager.bulk_update(batch, list(numbers.values()))
    return changed


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, **options):
        for model, numbers in KEYED.items():
            changed = rekey(model, numbers, dry_run=options["dry_run"])
            verb = "would change" if options["dry_run"] else "changed"
            self.stdout.write(f"{model._meta.verbose_name_plural}: {changed} {verb}.")
