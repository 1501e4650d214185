"""``manage.py generate_demo_data --calls N --sessions M``: a large data set, written in bulk."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.generator import generate


class Command(BaseCommand):
    help = (
        "Write N call results and M chat sessions (with transcripts, answers, redials and "
        "messages) over the last 12 months straight into the tables, for benchmarks. Then run "
        "roll_outcomes: the rows bypass the signals that keep the dashboard's rollups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--calls", type=int, default=1000)
        parser.add_argument("--sessions", type=int, default=200)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if min(options["calls"], options["sessions"]) < 0 or options["months"] < 1:
            raise CommandError("--calls and --sessions must be >= 0, --months >= 1.")
        started = time.monotonic()
        report = generate(
            calls=options["calls"],
            sessions=options["sessions"],
            months=options["months"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Generated {report.calls} calls ({report.transcript_turns} transcript turns, "
            f"{report.answers} answers, {report.redials} redials) and {report.sessions} chat "
            f"sessions ({report.messages} messages) in {time.monotonic() - started:.1f} s."
        )
