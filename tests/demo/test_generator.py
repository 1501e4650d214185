"""``generate_demo_data``: bulk rows that read like the services' own, on every page."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from calls_app.models import CallResult, TranscriptTurn
from collections_app.models import Contact, NumberHealth, Outcome, Promise
from collections_app.numbers import with_health
from collections_app.promises import with_status
from collections_app.services import records_rebuild
from customers.selectors import customer_history
from demo.generator import generate
from sessions_app.models import ChatMessage, ChatSession
from tests import outcomes_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def generated_rows(django_db_setup, django_db_blocker):
    """The rows ``generate`` writes, recorded once per test process (``outcomes_dataset``)."""
    result = []
    with django_db_blocker.unblock():
        rows = outcomes_dataset.rows_recorded(
            lambda: result.append(generate(calls=300, sessions=80, seed=7))
        )
    return rows, result[0]


@pytest.fixture
def generated(db, generated_rows):
    rows, counts = generated_rows
    outcomes_dataset.rows_insert(rows)
    return counts


def test_counts_match_the_rows_written(generated):
    assert CallResult.objects.count() == generated.calls == 300
    assert TranscriptTurn.objects.count() == generated.transcript_turns > 300
    assert ChatSession.objects.count() == generated.sessions == 80
    assert ChatMessage.objects.count() == generated.messages >= 80 * 6


def test_the_mix_is_varied_and_skewed(generated):
    answered = CallResult.objects.filter(answered=True).count()
    assert 0.4 < answered / 300 < 0.8
    intentions = (
        CallResult.objects.exclude(intention="")
        .values("intention")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    assert intentions[0]["n"] > 2 * intentions.last()["n"]  # a few intentions dominate
    assert CallResult.objects.values("time_zone").distinct().count() >= 3
    assert ChatSession.objects.values("end_reason").distinct().count() >= 4
    types = set(ChatMessage.objects.values_list("content_type", flat=True))
    assert {"text", "template", "image", "location", "contacts", "interactive"} <= types


def test_derived_fields_agree_with_the_rows(generated):
    for call in CallResult.objects.all()[:50]:
        assert call.answered is (call.ended_at > call.started_at)
        assert call.talk_seconds == int((call.ended_at - call.started_at).total_seconds())
    for session in ChatSession.objects.all()[:20]:
        assert session.message_count == session.messages.count()
        assert session.handed_over is (session.end_reason == "agent")


def test_customers_recur_across_calls_and_chats(generated):
    number = ChatSession.objects.values_list("callee", flat=True).first()
    kinds = {row.kind for row in customer_history(phone=number)}
    customers = CallResult.objects.values("callee_number_key").distinct().count()
    assert customers < 300  # the same customers are called again
    assert "chat session" in kinds


def test_generated_records_open_in_the_admin(admin_client, generated):
    call = CallResult.objects.filter(answered=True).first()
    session = ChatSession.objects.first()

    pages = [
        reverse("admin:calls_app_callresult_changelist"),
        reverse("admin:calls_app_callresult_change", args=[call.pk]),
        reverse("admin:sessions_app_chatsession_changelist"),
        reverse("admin:sessions_app_chatsession_change", args=[session.pk]),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_a_second_run_adds_rows_without_clashing(generated):
    out = io.StringIO()
    call_command(
        "generate_demo_data", "--calls", "20", "--sessions", "5", "--seed", "8", stdout=out
    )

    assert CallResult.objects.count() == 320
    assert ChatSession.objects.count() == 85
    assert "Generated 20 calls" in out.getvalue()


def _collections_rows() -> dict:
    """Every collections row, without ids and times of its own writing, comparable."""

    def rows(model, *exclude):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in exclude]
        return sorted(
            (tuple((name, row[name]) for name in fields) for row in model.objects.values(*fields)),
            key=repr,
        )

    return {
        "outcomes": rows(Outcome, "id", "first_seen_at"),
        "contacts": rows(Contact, "id"),
        "promises": rows(Promise, "id"),
        "numbers": rows(NumberHealth, "id"),
    }


def test_collections_rows_are_what_the_service_computes(generated):
    written = _collections_rows()
    Contact.objects.all().delete()
    Promise.objects.all().delete()
    NumberHealth.objects.all().delete()
    Outcome.objects.all().delete()

    records_rebuild()  # every record through ``collections_record``, as the webhook's path does

    assert _collections_rows() == written
    assert len(written["contacts"]) == generated.contacts == 380
    assert len(written["promises"]) == generated.promises > 0
    assert len(written["numbers"]) == generated.numbers > 0


def test_collections_rows_cover_every_status_and_health():
    now = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    generate(calls=1000, sessions=100, seed=3, months=1, now=now)

    promises = Promise.objects.count()
    right_party = Contact.objects.filter(right_party=True).count()
    assert 0.1 < promises / right_party < 0.4
    statuses = set(with_status(Promise.objects.all(), now).values_list("status", flat=True))
    assert statuses == {"open", "due", "lapsed", "superseded"}
    healths = set(with_health(NumberHealth.objects.all()).values_list("health", flat=True))
    assert {"ok", "wrong_party", "unreachable"} <= healths
    assert Outcome.objects.filter(kind="calls", group="promise_to_pay").exists()
    assert not CallResult.objects.filter(total_owing_amount=None).exists()
    assert Promise.objects.exclude(promised_date=None).exclude(amount=None).exists()
