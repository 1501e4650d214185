"""Collections classifies a worker's batch at once (issue 21): the same rows as record by record,
in a number of statements that does not grow with the batch, and one bad record fails alone."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls_app.models import CallResult
from collections_app.models import Contact, NumberHealth, Promise
from collections_app.receivers import on_events_processed
from collections_app.services import collections_record_many
from sessions_app.models import ChatSession

from .conftest import call_body

pytestmark = pytest.mark.django_db

NUMBER = "+6281234561111"


def _snapshot() -> dict:
    """Everything collections derived, without row ids."""
    contacts = Contact.objects.order_by("source", "call_id")
    promises = Promise.objects.order_by("source", "call_id")
    return {
        "contacts": list(
            contacts.values_list("source", "call_id", "group", "right_party", "promise", "labels")
        ),
        "promises": list(
            promises.values_list("call_id", "case_id", "promised_date", "amount", "superseded")
        ),
        "numbers": list(
            NumberHealth.objects.order_by("number_key").values(
                "number_key", "attempts", "answered", "right_party_contacts", "days_called",
                "last_outcome", "last_answered_outcome", "customer_number", "ring_types",
            )
        ),
    }  # fmt: skip


@pytest.fixture
def campaign(call, chat):
    """A customer called four times (two promises to the same case, the later one wins), another
    number once, and two chats: delivered one by one, as the webhook's single path records."""
    call("c-1", number=NUMBER, start="2025-04-10 09:00:00", answered=False, intention="NA")
    call("c-2", number=NUMBER, start="2025-04-11 09:00:00", intention="A",
         description="Promise to pay", asr_ptp="2025-04-20")  # fmt: skip
    call("c-3", number=NUMBER, start="2025-04-12 09:00:00", intention="A",
         description="Promise to pay", slots={"PTP_Amount": "500"})  # fmt: skip
    call("c-4", number=NUMBER, start="2025-04-13 09:00:00", intention="W",
         description="Wrong person")  # fmt: skip
    call("c-5", number="+6281234562222", labels={"Correct_Person": "1"})
    chat("s-1", intention="E")
    chat("s-2", intention="A")


def _all_records() -> list:
    return [*CallResult.objects.order_by("pk"), *ChatSession.objects.order_by("pk")]


def test_a_batch_gives_the_rows_one_by_one_gives(campaign):
    one_by_one = _snapshot()
    assert one_by_one["promises"][0][-1] is True  # c-2 superseded by c-3, the same case
    Contact.objects.all().delete()
    Promise.objects.all().delete()
    NumberHealth.objects.all().delete()

    collections_record_many(_all_records())

    assert _snapshot() == one_by_one


def test_a_batch_costs_the_same_statements_however_many_records_it_holds(call):
    for i in range(12):
        call(f"q-{i}", number=f"+62812345{i:05d}", case=f"case-{i}", intention="A",
             description="Promise to pay")  # fmt: skip
    records = list(CallResult.objects.order_by("pk"))

    counts = []
    for size in (3, 12):
        with CaptureQueriesContext(connection) as seen:
            collections_record_many(records[:size])
        counts.append(len(seen))

    assert counts[0] == counts[1] and counts[1] <= 16, counts


def test_a_record_that_breaks_the_batch_is_classified_alone(campaign, monkeypatch, caplog):
    from collections_app import receivers

    Contact.objects.all().delete()
    real = receivers.collections_record_many

    def broken(records, **kwargs):
        if any(r.call_id == "c-3" for r in records):
            raise ValueError("an odd record")
        return real(records, **kwargs)

    monkeypatch.setattr(receivers, "collections_record_many", broken)
    monkeypatch.setattr(
        receivers, "collections_record", lambda record: broken([record])[0]
    )  # one by one goes through the same code
    pushes = [(i, call_body(f"c-{i}")) for i in range(1, 6)]
    with caplog.at_level(logging.ERROR, logger="collections_app.receivers"):
        on_events_processed(None, kind="call_result", events=pushes)

    assert sorted(Contact.objects.values_list("call_id", flat=True)) == ["c-1", "c-2", "c-4", "c-5"]
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "Collections will classify 5 call_result records one by one"
    assert messages[1].startswith("Collections could not classify call_result record ")
    assert NUMBER not in caplog.text


def test_the_days_of_a_batch_are_marked_in_one_statement_per_table(
    endpoint, django_capture_on_commit_callbacks
):
    """Rolled days changed by a batch are marked once, not once per record."""
    import json

    from integrations.batches import webhook_events_drain
    from integrations.models import WebhookEvent

    def store(n: int) -> None:
        for i in range(n):
            body = call_body(f"m-{n}-{i}", number=f"+62812345{i:05d}")
            WebhookEvent.objects.create(
                endpoint=endpoint, kind="call_result", body=json.dumps(body).encode(),
                dedup_key=f"m-{n}-{i}",
            )  # fmt: skip

    marks = []
    for n in (2, 10):
        store(n)
        with (
            CaptureQueriesContext(connection) as seen,
            django_capture_on_commit_callbacks(execute=True),
        ):
            webhook_events_drain(limit=100)
        marks.append([q for q in seen if "dashboard_rolledday" in q["sql"]])
    assert len(marks[0]) == len(marks[1]) <= 2, marks
    assert CallResult.objects.count() == 12
