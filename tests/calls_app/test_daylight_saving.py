"""Call times in an account whose zone has daylight saving: the documented rule, both nights."""

import copy
import zoneinfo
from datetime import UTC, datetime

import pytest

from calls_app.services import call_result_record

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _call(call_payload, start: str, end: str):
    payload = copy.deepcopy(call_payload)
    payload["call"].update(call_start_time=start, call_end_time=end)
    call = call_result_record(payload=payload, tz=NEW_YORK)
    call.refresh_from_db()  # as stored: in UTC
    return call


def test_a_call_across_the_repeated_hour_is_answered_with_its_real_length(call_payload):
    # 2024-11-03: at 02:00 daylight time the clocks go back to 01:00 standard time.
    call = _call(call_payload, "2024-11-03 01:59:30", "2024-11-03 01:00:40")

    assert call.answered is True
    assert call.talk_seconds == 70
    assert call.started_at == datetime(2024, 11, 3, 5, 59, 30, tzinfo=UTC)
    assert call.ended_at == datetime(2024, 11, 3, 6, 0, 40, tzinfo=UTC)


def test_a_call_inside_the_repeated_hour_is_read_in_its_first_occurrence(call_payload):
    call = _call(call_payload, "2024-11-03 01:10:00", "2024-11-03 01:12:00")

    assert call.talk_seconds == 120
    assert call.started_at == datetime(2024, 11, 3, 5, 10, tzinfo=UTC)  # 01:10 daylight time


def test_an_unanswered_call_in_the_repeated_hour_stays_unanswered(call_payload):
    call = _call(call_payload, "2024-11-03 01:30:00", "2024-11-03 01:30:00")

    assert call.answered is False
    assert call.talk_seconds == 0


def test_a_time_in_the_skipped_hour_is_read_as_if_the_clocks_had_not_moved(call_payload):
    # 2024-03-10: at 02:00 standard time the clocks go forward to 03:00 daylight time.
    call = _call(call_payload, "2024-03-10 01:59:00", "2024-03-10 02:30:00")

    assert call.started_at == datetime(2024, 3, 10, 6, 59, tzinfo=UTC)
    assert call.ended_at == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)  # 03:30 daylight time
    assert call.talk_seconds == 31 * 60
