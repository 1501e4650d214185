"""Reading payload fields at the boundary: every unreadable value fails naming its field."""

import datetime as dt
import zoneinfo

import pytest

from records.payloads import Payload, PayloadError

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


class TestIntegers:
    @pytest.mark.parametrize("value", ["--1", "-", "1-", "1.5", "²", "0x10", "1e3", [1], {}])
    def test_what_is_not_an_integer_names_the_field(self, value):
        assert _error(lambda: Payload({"n": value}).integer("n")).startswith("n: ")

    @pytest.mark.parametrize(
        ("value", "expected"), [("12", 12), (" -12 ", -12), (3.0, 3), (-(2**63), -(2**63))]
    )
    def test_integers_are_read(self, value, expected):
        assert Payload({"n": value}).integer("n") == expected

    @pytest.mark.parametrize("value", [2**63, -(2**63) - 1, "9" * 25, "9" * 5000, 1e300])
    def test_beyond_64_bits_names_the_field(self, value):
        assert _error(lambda: Payload({"n": value}).integer("n")).startswith("n: ")

    def test_the_column_gives_the_range(self):
        from sessions_app.models import ChatSession

        data = Payload({"talk_round": 2**31})

        message = _error(lambda: data.integer_for("talk_round", ChatSession))

        assert message == "talk_round: 2147483648 is not an integer from -2147483648 to 2147483647"
        assert (
            Payload({"talk_round": 2**31 - 1}).integer_for("talk_round", ChatSession) == 2**31 - 1
        )


class TestUnstorableText:
    @pytest.mark.parametrize(("value", "problem"), [("a\x00b", "NUL"), ("a\ud800", "surrogate")])
    def test_text_names_the_field(self, value, problem):
        message = _error(lambda: Payload({"call_id": value}).text("call_id"))

        assert message.startswith("call_id: contains a")
        assert problem in message

    def test_a_surrogate_pair_is_text(self):
        assert Payload({"t": "\U0001f449"}).text("t") == "👉"

    @pytest.mark.parametrize(
        ("value", "path"),
        [
            ({"slot": "a\x00"}, "ner_slots.slot"),
            ({"a": [{"b": "\ud800"}]}, "ner_slots.a[0].b"),
            ({"bad key": {"x": ["ok", "\x00"]}}, "ner_slots['bad key'].x[1]"),
            ({"k\x00": 1}, "ner_slots['k\\x00']"),
            ({"f": float("nan")}, "ner_slots.f"),
            ({"f": [float("inf")]}, "ner_slots.f[0]"),
        ],
    )
    def test_objects_kept_as_they_came_name_the_value(self, value, path):
        message = _error(lambda: Payload({"ner_slots": value}).mapping("ner_slots"))

        assert message.startswith(f"{path}: ")

    def test_arrays_kept_as_they_came_name_the_value(self):
        data = Payload({"callee": {"extra": [{"Content": "\x00"}]}}).child("callee")

        assert _error(lambda: data.array("extra")).startswith("callee.extra[0].Content: ")

    def test_a_whole_object_kept_is_checked(self):
        data = next(Payload({"messages": [{"content": {"a": {"b": "\x00"}}}]}).objects("messages"))

        assert _error(lambda: data.child("content").kept()).startswith("messages[0].content.a.b: ")

    def test_an_object_read_field_by_field_is_not_refused_for_a_field_not_read(self):
        call = Payload({"call": {"unused": "\x00", "call_id": "c1"}}).child("call")

        assert call.text("call_id") == "c1"

    def test_nesting_deeper_than_the_limit_names_the_field_without_recursion(self):
        value = []
        for _ in range(5000):
            value = [value]

        message = _error(lambda: Payload({"extra": value}).array("extra"))

        assert message.startswith("extra[0]")
        assert message.endswith("is nested deeper than 32 levels")

    def test_nesting_within_the_limit_is_kept(self):
        value = {"a": "ok"}
        for _ in range(30):
            value = {"a": value}

        assert Payload({"v": value}).mapping("v") == value
