"""Reading payload fields at the boundary: every unreadable value fails naming its field."""

import datetime as dt
import zoneinfo

import pytest

from integrations.payloads import Payload, PayloadError

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _error(read) -> str:
    with pytest.raises(PayloadError) as caught:
        read()
    return str(caught.value)


class TestTimes:
    @pytest.mark.parametrize(
        "value",
        [
            "0001-01-01T00:00:00+14:00",  # cannot be converted to UTC
            "9999-12-31T23:59:59-12:00",  # cannot be converted to UTC
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1969-12-31T23:59:59Z",
            "2101-01-01T00:00:00Z",
        ],
    )
    def test_iso_time_out_of_range_names_the_field(self, value):
        data = Payload({"session_start_time": value})

        message = _error(lambda: data.iso_datetime("session_start_time"))

        assert message.startswith("session_start_time: ")
        assert "between 1970 and 2100" in message

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1970-01-01T00:00:00Z", dt.datetime(1970, 1, 1, tzinfo=dt.UTC)),
            ("2100-12-31T23:59:59Z", dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
            ("2025-04-15T06:41:00", dt.datetime(2025, 4, 15, 6, 41, tzinfo=dt.UTC)),
        ],
    )
    def test_iso_time_in_range_is_read(self, value, expected):
        assert Payload({"t": value}).iso_datetime("t") == expected

    @pytest.mark.parametrize("value", [-1, 4_133_980_800, 1_720_160_207_000, 10**18])
    def test_unix_time_out_of_range_names_the_field(self, value):
        data = Payload({"messages": [{"timestamp": value}]})
        item = next(data.objects("messages"))

        message = _error(lambda: item.unix_time("timestamp"))

        assert message.startswith("messages[0].timestamp: ")
        assert "between 1970 and 2100" in message

    @pytest.mark.parametrize("value", [0, 1_744_699_269, 4_133_980_799])
    def test_unix_time_in_range_is_read(self, value):
        assert Payload({"t": value}).unix_time("t") == dt.datetime.fromtimestamp(value, dt.UTC)

    @pytest.mark.parametrize(
        "value", ["0001-01-01 00:00:00", "9999-12-31 23:59:59", "1969-12-31 00:00:00"]
    )
    def test_local_time_out_of_range_names_the_field(self, value):
        data = Payload({"call": {"call_start_time": value}}).child("call")

        message = _error(lambda: data.local_datetime("call_start_time", JAKARTA))

        assert message.startswith("call.call_start_time: ")
        assert "between 1970 and 2100" in message

    def test_local_time_in_range_is_read(self):
        data = Payload({"t": "2024-03-11 15:58:26"})

        assert data.local_datetime("t", JAKARTA) == dt.datetime(
            2024, 3, 11, 15, 58, 26, tzinfo=JAKARTA
        )

    def test_a_huge_unreadable_value_is_not_copied_whole_into_the_message(self):
        message = _error(lambda: Payload({"t": "x" * 100_000}).iso_datetime("t"))

        assert len(message) < 200
