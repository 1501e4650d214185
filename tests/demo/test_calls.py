"""The demo call results: every way a call ends, in the account's local time, repeatable."""

import zoneinfo
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from calls_app.models import CallResult
from calls_app.services import call_result_record
from demo.account import WORKFLOWS, unreachable_customers
from demo.calls import UNANSWERED_RING_TYPES, demo_call_payloads

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def payloads():
    return demo_call_payloads(now=NOW, tz=JAKARTA)


def _local(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=JAKARTA)


def test_starts_with_ai_rudders_example_unchanged(payloads, call_payload):
    assert payloads[0] == call_payload


def test_same_calls_whenever_it_runs(payloads):
    later = demo_call_payloads(now=NOW + timedelta(hours=5), tz=JAKARTA)

    assert [p["call"]["call_id"] for p in later] == [p["call"]["call_id"] for p in payloads]


def test_times_are_naive_local_times_of_the_last_14_days(payloads):
    for payload in payloads[1:]:
        call = payload["call"]
        start, end = _local(call["call_start_time"]), _local(call["call_end_time"])
        assert NOW - timedelta(days=14) < start <= end < NOW


def test_covers_answered_unanswered_ring_and_hangup_types(payloads):
    calls = [p["call"] for p in payloads[1:]]
    unanswered = [c for c in calls if c["call_start_time"] == c["call_end_time"]]
    # Most calls are answered but those to the numbers nobody answers, on purpose.
    nobody = {c.phone for c in unreachable_customers()}
    reachable = [c for c in calls if c["callee_number"] not in nobody]

    assert 10 <= len([c for c in unanswered if c in reachable]) < len(reachable) / 2
    assert {c["ring_type"] for c in unanswered} >= set(UNANSWERED_RING_TYPES)
    assert None in {c["ring_type"] for c in calls}
    assert "voicemail" in {c["ring_type"] for c in calls}
    assert {c["hangup_type"] for c in calls} == {"ByCallee", "ByRobot", "Canceled"}
    assert {p["workflow_id"] for p in payloads[1:]} == {w.workflow_id for w in WORKFLOWS}
    assert len({c["intention"] for c in calls}) >= 10
    assert any("question_answer" in c for c in calls)
    assert any("question_answer" not in c and "redial_call" not in c for c in calls)
    assert any("redial_call" in c for c in calls)
    assert all(c["asr_result"] == [] for c in unanswered)


def test_some_calls_are_pushed_by_two_nodes(payloads):
    pushes = Counter(p["call"]["call_id"] for p in payloads)
    twice = [call_id for call_id, n in pushes.items() if n == 2]

    assert len(twice) >= 5
    for call_id in twice:
        nodes = {p["node_name"] for p in payloads if p["call"]["call_id"] == call_id}
        assert nodes == {"API1", "API2"}


@pytest.mark.django_db
def test_every_push_is_recorded(payloads):
    for payload in payloads:
        call_result_record(payload=payload)

    assert CallResult.objects.count() == len({p["call"]["call_id"] for p in payloads})
    assert CallResult.objects.filter(answered=False).count() >= 10
    assert CallResult.objects.exclude(ring_type__in=[*UNANSWERED_RING_TYPES[:-2], ""]).exists()
