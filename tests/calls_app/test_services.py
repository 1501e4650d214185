"""Recording API node pushes: one test per distinct condition of the payload."""

import copy
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from calls_app.models import CallResult, NodePush
from calls_app.services import call_result_record
from integrations.models import WebhookEndpoint, WebhookEvent
from integrations.services import webhook_event_process

from .variations import (
    DEBT_FIELDS,
    MALFORMED,
    across_midnight,
    unanswered,
    with_field,
    with_null_ring_type,
    with_unknown_enums,
    without_optional_lists,
)

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def record_from(event, payload) -> CallResult:
    """``call_result_record`` with what the inbox passes for a stored event."""
    return call_result_record(
        payload=payload,
        received_at=event.received_at,
        tz=event.endpoint.tzinfo,
        event_id=event.pk,
    )


def record(stored_push, payload, **kwargs) -> CallResult:
    record_from(stored_push(payload, **kwargs), payload)
    return CallResult.objects.get(call_id=payload["call"]["call_id"])


def test_example_is_one_call_with_its_transcript_answer_redials_and_node_push(
    stored_push, call_payload
):
    event = stored_push(call_payload, received_at=datetime(2024, 3, 11, 9, 0, 5, tzinfo=UTC))

    record_from(event, call_payload)

    call = CallResult.objects.get()
    assert call.call_id == "817377d194xxxxxxxxc8ad463bc81d996a"
    assert (call.workflow.workflow_id, call.workflow.name) == (
        "079918b288xxxxxxxx3815e2a8030eb",
        "test_api_action6",
    )
    assert (call.task_id, call.robot_id) == ("b1a9e2ea8xxxxxxxx1551b6454b414b", "4496")
    assert (call.callee_number, call.caller_number) == ("+86xxxxxx5721", "+95xxxxxxxx0088")
    # Naive local times of the account (the endpoint's Asia/Jakarta, UTC+7), stored aware.
    assert call.time_zone == "Asia/Jakarta"
    assert call.started_at == datetime(2024, 3, 11, 8, 58, 26, tzinfo=UTC)
    assert call.ended_at == datetime(2024, 3, 11, 8, 59, 12, tzinfo=UTC)
    assert call.answered is True
    assert call.talk_seconds == 46
    assert (call.call_times, call.ring_time, call.talk_round) == (2, 2, 1)
    assert (call.ring_type, call.hangup_type) == ("normal", "ByCallee")
    assert (call.intention, call.intention_description) == ("E", "No Voice")
    assert call.multi_label == {
        "A0": "A0",
        "Correct_Person": "identity_correct_person",
        "Request_Installment": "action_item_request_installment",
    }
    assert call.ner_slots == {"PaymentMethod": "Transfer", "PaymentTime": "Time_0"}
    assert call.event == event
    assert call.last_pushed_at == event.received_at


def test_example_contact_is_kept_as_uploaded_with_dates_and_amounts_typed(
    stored_push, call_payload
):
    call = record(stored_push, call_payload)

    assert call.case_id == "12345.0"
    assert (call.callee_name, call.callee_gender) == ("WILL SMITH", "MALE")
    assert call.contact_number == "+861xxxxxxxx5721"
    assert call.platform_name == "AIZCC"
    assert (call.extra_a, call.extra_b, call.extra_c) == ("a", "b", "c")
    assert call.extra == [{"Content": "d", "Question": "extra_d"}]
    assert call.extend["variables"] == {"extra_d": "d"}
    assert call.comments == "12345.0"
    assert call.borrowed_date == date(2024, 2, 1)
    assert call.due_date == date(2024, 3, 7)
    assert call.borrowed_amount == Decimal("20000.00")
    assert isinstance(call.borrowed_amount, Decimal)
    assert call.total_owing_amount == Decimal("20310.00")
    assert call.currency_unit == "USD"
    assert call.contact == call_payload["callee"]


def test_example_transcript_is_eight_turns_in_payload_order(stored_push, call_payload):
    call = record(stored_push, call_payload)

    turns = list(call.transcript.all())
    assert len(turns) == 8
    assert [t.offset_seconds for t in turns] == [0, 14, 14, 25, 25, 35, 35, 45]
    assert turns[0].offset == "00:00:00"
    assert turns[0].robot_text.startswith("This is Hannah, I'm a customer service agent.")
    assert turns[0].customer_text == "no no no no no"
    assert turns[1].is_silent
    assert turns[2].customer_silent and not turns[2].is_silent
    assert turns[7].robot_text.endswith("Goodbye!")


def test_example_answer_and_redials(stored_push, call_payload):
    call = record(stored_push, call_payload)

    [answer] = call.answers.all()
    assert (answer.question_name, answer.question_content) == ("Q1", "CURP Verification")
    assert (answer.answer, answer.answer_text, answer.var) == ("ss02", "s s cero dos", "S02")
    assert (answer.status, answer.verification_results, answer.whether_answer) == (
        "Completed",
        "Match",
        "Answered",
    )
    redials = list(call.redials.all())
    assert [r.redial_call_id for r in redials] == [
        "4edf1697f7bxxxxxxxx65bca97f996bb",
        "001453803xxxxxxxxcc53b4a3b9db",
        "04b6d8d97xxxxxxxx6b16db252a1dad8",
    ]
    # Redial times are local times of the account too.
    assert redials[0].started_at == datetime(2024, 3, 5, 9, 15, 53, tzinfo=UTC)
    assert [r.ring_time for r in redials] == [0, 15, 0]
    assert redials[1].callee_number == "+83xxxxxxxx795"
    assert redials[1].result_label == "F"


def test_example_node_push_is_kept_with_its_custom_attribute(stored_push, call_payload):
    event = stored_push(call_payload)

    call = record_from(event, call_payload)

    [push] = call.node_pushes.all()
    assert (push.node_id, push.node_name) == ("f878645926xxxxxxxxb0b779ba254", "API2")
    assert push.custom_attribute == {"a": "1", "b": "2"}
    assert push.received_at == event.received_at
    assert push.event == event


def test_unanswered_call_has_no_talk_time(stored_push, call_payload):
    call = record(stored_push, unanswered(call_payload))

    assert call.answered is False
    assert call.talk_seconds == 0
    assert call.started_at == call.ended_at == datetime(2024, 3, 11, 9, 5, tzinfo=UTC)
    assert call.ring_type == "busy"
    assert call.transcript.count() == 0


def test_push_without_optional_lists_or_debt_fields(stored_push, call_payload):
    call = record(stored_push, without_optional_lists(call_payload))

    assert call.answers.count() == 0
    assert call.redials.count() == 0
    assert call.caller_number == ""
    assert (call.borrowed_date, call.due_date) == (None, None)
    assert (call.borrowed_amount, call.total_owing_amount) == (None, None)
    assert call.currency_unit == ""
    assert not set(DEBT_FIELDS) & set(call.contact)
    assert call.transcript.count() == 8


def test_unknown_enum_values_and_empty_amount_are_kept_as_they_came(stored_push, call_payload):
    call = record(stored_push, with_unknown_enums(call_payload))

    assert call.ring_type == "ringing_forever"
    assert call.hangup_type == "ByNetwork"
    assert call.redials.first().ring_type == ""
    assert call.borrowed_amount is None
    assert call.total_owing_amount == Decimal("20310.00")
    assert call.currency_unit == ""
    assert call.contact["borrowed_amount"] == ""


def test_null_ring_type_is_no_ring_type(stored_push, call_payload):
    call = record(stored_push, with_null_ring_type(call_payload))

    assert call.ring_type == ""


def test_empty_object_sent_as_an_empty_array_is_an_empty_object(stored_push, call_payload):
    call_payload["call"]["multi_label"] = []
    call_payload["custom_attribute"] = []

    call = record(stored_push, call_payload)

    assert call.multi_label == {}
    assert call.node_pushes.get().custom_attribute == {}


@pytest.mark.parametrize(
    ("zone", "started_utc"),
    [
        # UTC-3: late evening local time is already the next day in UTC.
        ("America/Sao_Paulo", datetime(2024, 3, 12, 2, 59, 30, tzinfo=UTC)),
        # UTC+7: the local midnight falls in the UTC afternoon of the day before.
        ("Asia/Jakarta", datetime(2024, 3, 11, 16, 59, 30, tzinfo=UTC)),
    ],
)
def test_call_across_local_midnight(stored_push, in_zone, call_payload, zone, started_utc):
    in_zone(zone)

    call = record(stored_push, across_midnight(call_payload))

    assert call.started_at == started_utc
    assert call.ended_at == started_utc + timedelta(seconds=70)
    assert call.answered is True
    assert call.talk_seconds == 70
    assert call.time_zone == zone
    local_start = call.local_time(call.started_at)
    assert (local_start.date(), local_start.hour, local_start.minute) == (date(2024, 3, 11), 23, 59)
    redial = call.redials.get(position=2)
    assert redial.started_at == started_utc - timedelta(seconds=80)


def test_talk_time_across_a_daylight_saving_change_is_real_time(stored_push, in_zone, call_payload):
    # New York skipped 02:00-03:00 on 10 March 2024: the wall clocks are 61 min 10 s apart.
    in_zone("America/New_York")
    call_payload["call"]["call_start_time"] = "2024-03-10 01:59:30"
    call_payload["call"]["call_end_time"] = "2024-03-10 03:00:40"

    call = record(stored_push, call_payload)

    assert call.started_at == datetime(2024, 3, 10, 6, 59, 30, tzinfo=UTC)
    assert call.ended_at == datetime(2024, 3, 10, 7, 0, 40, tzinfo=UTC)
    assert call.talk_seconds == 70


@pytest.mark.parametrize(("variation", "error"), MALFORMED, ids=[v.__name__ for v, _ in MALFORMED])
def test_malformed_field_fails_the_event_naming_it(stored_push, call_payload, variation, error):
    event = stored_push(variation(call_payload))

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.FAILED
    assert event.error == error
    assert not CallResult.objects.exists()
    assert not NodePush.objects.exists()


def test_invalid_account_time_zone_fails_and_replays_once_corrected(stored_push, call_payload):
    event = stored_push(call_payload)
    # Bypasses the form's validation, as a bad row in the database would.
    WebhookEndpoint.objects.update(timezone="Asia/Djakarta")

    event = webhook_event_process(event_id=event.pk)

    assert event.status == WebhookEvent.Status.FAILED
    assert "'Asia/Djakarta', which is not an IANA time zone" in event.error
    assert not CallResult.objects.exists()

    WebhookEndpoint.objects.update(timezone="Asia/Jakarta")
    event = webhook_event_process(event_id=event.pk, force=True)

    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.error == ""
    assert event.attempts == 2
    call = CallResult.objects.get()
    assert call.started_at == datetime(2024, 3, 11, 8, 58, 26, tzinfo=UTC)


def test_replay_after_changing_the_time_zone_rereads_the_times(stored_push, in_zone, call_payload):
    event = stored_push(call_payload)
    webhook_event_process(event_id=event.pk)
    in_zone("America/Sao_Paulo")

    webhook_event_process(event_id=event.pk, force=True)

    call = CallResult.objects.get()
    assert call.time_zone == "America/Sao_Paulo"
    assert call.started_at == datetime(2024, 3, 11, 18, 58, 26, tzinfo=UTC)
    assert call.redials.get(position=0).started_at == datetime(2024, 3, 5, 19, 15, 53, tzinfo=UTC)
    # Re-running replaces the related rows instead of adding to them.
    assert (call.transcript.count(), call.answers.count(), call.redials.count()) == (8, 1, 3)
    assert call.node_pushes.count() == 1


def second_node(payload: dict) -> dict:
    """The same call pushed by the workflow's next API node, after a human follow-up."""
    payload = copy.deepcopy(payload)
    payload["node_id"], payload["node_name"] = "a0b1c2d3e4xxxxxxxx5f6a7b8c9d", "API3"
    payload["custom_attribute"] = {"stage": "after-review"}
    payload["call"]["intention"] = "F"
    payload["call"]["multi_label"] = {"Promise_To_Pay": "action_item_ptp"}
    payload["call"]["asr_result"] = payload["call"]["asr_result"][:2]
    return payload


T0 = datetime(2024, 3, 11, 9, 0, tzinfo=UTC)


def test_push_of_a_second_node_is_the_same_call_with_two_node_pushes(stored_push, call_payload):
    first = stored_push(call_payload, received_at=T0)
    second = stored_push(second_node(call_payload), received_at=T0 + timedelta(minutes=3))

    webhook_event_process(event_id=first.pk)
    webhook_event_process(event_id=second.pk)

    call = CallResult.objects.get()
    pushes = list(call.node_pushes.all())
    assert [(p.node_name, p.custom_attribute, p.received_at, p.event_id) for p in pushes] == [
        ("API2", {"a": "1", "b": "2"}, T0, first.pk),
        ("API3", {"stage": "after-review"}, T0 + timedelta(minutes=3), second.pk),
    ]
    assert pushes[1].node_id == "a0b1c2d3e4xxxxxxxx5f6a7b8c9d"
    # The later push gives the call's fields and related rows.
    assert call.intention == "F"
    assert call.multi_label == {"Promise_To_Pay": "action_item_ptp"}
    assert call.transcript.count() == 2
    assert call.event == second
    assert call.last_pushed_at == T0 + timedelta(minutes=3)


def test_older_push_processed_later_keeps_its_node_push_but_not_its_fields(
    stored_push, call_payload
):
    older = stored_push(call_payload, received_at=T0)
    newer = stored_push(second_node(call_payload), received_at=T0 + timedelta(minutes=3))

    webhook_event_process(event_id=newer.pk)
    webhook_event_process(event_id=older.pk)

    call = CallResult.objects.get()
    assert call.intention == "F"
    assert call.transcript.count() == 2
    assert call.event == newer
    assert [p.node_name for p in call.node_pushes.all()] == ["API2", "API3"]


def test_phone_numbers_are_kept_as_sent_and_as_keys_for_matching(stored_push, call_payload):
    call_payload["call"]["callee_number"] = "+62 812-3456 7890"

    call = record(stored_push, call_payload)

    assert call.callee_number == "+62 812-3456 7890"
    assert call.callee_number_key == "6281234567890"
    assert call.contact_number_key == "861xxxxxxxx5721"


def test_without_an_event_times_are_read_as_utc(call_payload):
    call = call_result_record(payload=call_payload)

    assert call.time_zone == "UTC"
    call.refresh_from_db()
    assert call.started_at == datetime(2024, 3, 11, 15, 58, 26, tzinfo=UTC)
    assert call.local_time(call.started_at).tzinfo == zoneinfo.ZoneInfo("UTC")
    assert call.node_pushes.count() == 1


def test_local_time_is_in_the_accounts_zone(stored_push, call_payload):
    call = record(stored_push, call_payload)

    assert call.local_time(call.started_at) == datetime(2024, 3, 11, 15, 58, 26, tzinfo=JAKARTA)
    assert call.local_time(None) is None


def test_with_field_helper_sets_nested_fields(call_payload):
    # The variations above rely on it; a typo in a path must not make a test pass vacuously.
    changed = with_field("call.asr_result[2].time", "soon")(copy.deepcopy(call_payload))
    assert changed["call"]["asr_result"][2]["time"] == "soon"
    assert "call" not in with_field("call", ...)(copy.deepcopy(call_payload))
