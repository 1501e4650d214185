"""The demo as a collections team reads it: loans in rupiah, promises of every status, a pattern
of when customers answer, numbers that cannot be reached and numbers somebody else answers."""

import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from collections_app.models import Contact, Group, NumberHealth, Outcome, Promise
from collections_app.numbers import with_health
from collections_app.promises import with_status
from demo.account import WORKFLOWS, unreachable_customers, wrong_party_customers
from demo.calls import demo_call_payloads
from demo.loader import demo_load
from integrations.services import webhook_endpoint_create
from records.phones import phone_key

NOW = datetime(2025, 6, 4, 9, 30, tzinfo=UTC)
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
COLLECTIONS = {w.workflow_id for w in WORKFLOWS if w.debt_collection}


@pytest.fixture(scope="module")
def calls():
    return [p for p in demo_call_payloads(now=NOW, tz=JAKARTA)[1:] if p["node_name"] == "API1"]


def _answered(call: dict) -> bool:
    return call["call_start_time"] != call["call_end_time"]


def test_every_collections_call_carries_the_loan_in_rupiah(calls):
    collections = [p for p in calls if p["workflow_id"] in COLLECTIONS]
    today = NOW.astimezone(JAKARTA).date()

    assert len(collections) > len(calls) / 2
    for push in collections:
        callee = push["callee"]
        assert callee["currency_unit"] == "IDR"
        owing, borrowed = Decimal(callee["total_owing_amount"]), Decimal(callee["borrowed_amount"])
        assert 500_000 <= borrowed <= owing <= 15_000_000
        assert date.fromisoformat(callee["borrowed_date"]) < today
    dues = {date.fromisoformat(p["callee"]["due_date"]) > today for p in collections}
    assert dues == {True, False}  # some upcoming, some past due
    owed = [p["callee"]["total_owing_amount"] for p in collections]
    assert any("." in amount for amount in owed) and any("." not in amount for amount in owed)


def test_about_a_quarter_of_answered_calls_promise_and_name_the_right_party(calls):
    answered = [p["call"] for p in calls if _answered(p["call"])]
    promised = [c for c in answered if c["intention"] == "A" or c["asr_ptp"]]

    assert 0.2 <= len(promised) / len(answered) <= 0.35
    assert any(c["asr_ptp"] for c in promised)
    assert any({"PTP_Date", "PTP_Amount"} <= set(c["ner_slots"]) for c in promised)
    assert any("PaymentDate" in c["ner_slots"] for c in promised)
    assert all("Correct_Person" not in c["multi_label"] for c in answered if c["intention"] == "F")
    assert any("Wrong_Person" in c["multi_label"] for c in answered)
    reached = [c for c in answered if c["intention"] in {"A", "B", "C", "D", "G", "H"}]
    assert sum("Correct_Person" in c["multi_label"] for c in reached) > 0.8 * len(reached)


def test_calls_are_placed_8_to_20_and_answered_most_before_lunch_and_after_work(calls):
    placed, answered = Counter(), Counter()
    for push in calls:
        start = datetime.strptime(push["call"]["call_start_time"], "%Y-%m-%d %H:%M:%S")
        placed[start.hour] += 1
        answered[start.hour] += _answered(push["call"])
        assert 8 <= start.hour < 20, push["call"]["call_start_time"]

    def rate(hours):
        return sum(answered[h] for h in hours) / sum(placed[h] for h in hours)

    assert set(placed) == set(range(8, 20))
    assert rate([11, 12, 13, 18, 19]) > rate([8, 9, 10, 14, 15, 16]) + 0.2
    weekdays = {
        datetime.strptime(p["call"]["call_start_time"][:10], "%Y-%m-%d").weekday() for p in calls
    }
    assert weekdays == set(range(7))


@pytest.mark.django_db
def test_loaded_through_the_webhook_it_fills_every_collections_view():
    endpoint = webhook_endpoint_create(name="default", timezone_name="Asia/Jakarta")

    report = demo_load(endpoint=endpoint, now=NOW)

    assert report.failed == []
    statuses = Counter(with_status(Promise.objects.all(), NOW).values_list("status", flat=True))
    assert set(statuses) == {"open", "due", "lapsed", "superseded"}
    assert sum(statuses.values()) >= 20
    assert {"call", "session"} <= set(Promise.objects.values_list("source", flat=True))
    assert not Promise.objects.filter(amount=None).exists()
    assert set(Promise.objects.values_list("currency", flat=True)) == {"IDR"}
    assert Promise.objects.filter(amount_is_owing=False).count() > 5  # the amount promised
    assert Promise.objects.filter(amount_is_owing=True).exists()  # else what is owed

    health = dict(with_health(NumberHealth.objects.all()).values_list("number_key", "health"))
    unreachable = {k for k, h in health.items() if h == NumberHealth.Health.UNREACHABLE}
    wrong_party = {k for k, h in health.items() if h == NumberHealth.Health.WRONG_PARTY}
    assert unreachable == {phone_key(c.phone) for c in unreachable_customers()}
    assert wrong_party == {phone_key(c.phone) for c in wrong_party_customers()}
    assert Contact.objects.filter(right_party=True).count() > 40

    groups = dict(
        Outcome.objects.filter(endpoint=endpoint, kind="calls").values_list("code", "group")
    )
    assert groups | {
        "A": Group.PROMISE_TO_PAY, "B": Group.CLAIMS_PAID, "C": Group.REFUSED,
        "D": Group.DISPUTE, "E": Group.NO_CONTACT, "F": Group.WRONG_PARTY, "G": Group.CALLBACK,
        "NA": Group.NO_CONTACT,
    } == groups  # fmt: skip
    chat_groups = dict(
        Outcome.objects.filter(endpoint=endpoint, kind="sessions").values_list("code", "group")
    )
    assert chat_groups["Promise_To_Pay"] == Group.PROMISE_TO_PAY
