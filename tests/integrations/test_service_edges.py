"""The inbox's services at their edges, called directly: what the admin and the commands rely
on even when a caller does not check first."""

import pytest

from integrations.models import WebhookEndpoint, WebhookEvent, WebhookRejectionTotal
from integrations.services import (
    _count_rejection,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_events_dismiss,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    return webhook_endpoint_create(name="Edges", timezone_name="Asia/Jakarta")


def _event(endpoint, status, key):
    return WebhookEvent.objects.create(
        endpoint=endpoint, kind="call_result", status=status, dedup_key=key, body=b"{}"
    )


def test_only_failed_events_are_dismissed_whatever_the_ids_given(endpoint):
    failed = _event(endpoint, WebhookEvent.Status.FAILED, "a")
    processed = _event(endpoint, WebhookEvent.Status.PROCESSED, "b")
    dismissed = webhook_events_dismiss(event_ids=[failed.pk, processed.pk], reason=" not JSON ")
    assert [e.pk for e in dismissed] == [failed.pk]
    failed.refresh_from_db()
    processed.refresh_from_db()
    assert (failed.status, failed.dismiss_reason) == (WebhookEvent.Status.DISMISSED, "not JSON")
    assert processed.status == WebhookEvent.Status.PROCESSED and not processed.dismiss_reason


def test_a_dismissal_without_a_reason_is_refused_saying_so(endpoint):
    failed = _event(endpoint, WebhookEvent.Status.FAILED, "a")
    with pytest.raises(ValueError, match=r"^a dismissal needs a reason$"):
        webhook_events_dismiss(event_ids=[failed.pk], reason="   ")
    failed.refresh_from_db()
    assert failed.status == WebhookEvent.Status.FAILED


def test_a_rotation_without_a_secret_makes_a_strong_new_one(endpoint):
    first = webhook_endpoint_rotate_secret(endpoint=endpoint)
    second = webhook_endpoint_rotate_secret(endpoint=endpoint)
    assert first != second and len(first) == len(second) == 43  # 32 random bytes
    endpoint.refresh_from_db()
    assert (endpoint.signing_secret, endpoint.previous_signing_secret) == (second, first)


def test_refusals_are_counted_one_by_one_per_reason():
    for _ in range(3):
        _count_rejection("unknown_token")
    _count_rejection("bad_signature")
    counts = dict(WebhookRejectionTotal.objects.values_list("reason", "count"))
    assert counts == {"unknown_token": 3, "bad_signature": 1}


def test_an_unknown_signature_scheme_is_named_with_the_ones_there_are():
    from django.core.exceptions import ImproperlyConfigured

    from integrations.signing import signature_compute

    with pytest.raises(ImproperlyConfigured) as refused:
        signature_compute(secret="s", body=b"{}", scheme="md5")
    assert str(refused.value) == (
        "AIRUDDER_SIGNATURE_SCHEME must be one of "
        "['hmac-sha256-base64', 'hmac-sha256-hex'], not 'md5'"
    )


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("k" * 59 + " ", repr("k" * 59 + " ")),  # sixty characters are shown whole
        ("k" * 60 + " ", f"{'k' * 57!r}…"),  # longer ones are cut to 57
    ],
)
def test_an_unusable_value_under_a_long_key_is_named_by_a_short_path(key, shown):
    from integrations.services import webhook_body_parse

    _, error = webhook_body_parse(('{"call": {"' + key + '": NaN}}').encode())
    assert error == f"call[{shown}]: NaN is not a JSON number"


def _stored(endpoint, payload, kind="chatbot_session_end"):
    import json

    from integrations.services import webhook_event_receive

    body = json.dumps(payload).encode()
    return webhook_event_receive(
        endpoint=endpoint, kind=kind, body=body, headers={}, remote_addr=None
    ).event


def test_a_failure_is_logged_with_its_event_id(endpoint, chat_payload, replace_processor, caplog):
    from integrations.services import webhook_event_process

    def broken(inbound):
        raise RuntimeError("disk on fire")

    replace_processor("chatbot_session_end", broken)
    event = _stored(endpoint, chat_payload)
    with caplog.at_level("ERROR", logger="integrations.services"):
        webhook_event_process(event_id=event.pk)
    (record,) = [r for r in caplog.records if r.name == "integrations.services"]
    assert record.getMessage() == f"Webhook event {event.pk} failed" and record.exc_info


def test_the_processed_signal_names_the_event_and_its_sender(endpoint, chat_payload):
    from integrations.services import webhook_event_process
    from integrations.signals import events_processed

    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs["events"][0][0], kwargs["kind"]))

    events_processed.connect(listener, sender=WebhookEvent, weak=False)
    try:
        event = _stored(endpoint, chat_payload)
        webhook_event_process(event_id=event.pk)
    finally:
        events_processed.disconnect(listener, sender=WebhookEvent)
    assert heard == [(WebhookEvent, event.pk, "chatbot_session_end")]


def test_an_unreadable_dedup_key_is_logged_by_kind_and_falls_back_to_the_body(monkeypatch, caplog):
    from integrations import kinds
    from integrations.services import webhook_dedup_key

    def broken(payload):
        raise KeyError("call_id")

    import dataclasses

    replaced = dataclasses.replace(kinds.get("call_result"), dedup_key=broken)
    monkeypatch.setattr(kinds, "get", lambda slug: replaced)
    with caplog.at_level("ERROR", logger="integrations.services"):
        key = webhook_dedup_key(kind="call_result", payload={"a": 1}, body=b'{"a": 1}')
    assert key and key != webhook_dedup_key(kind="call_result", payload={"a": 2}, body=b'{"a": 2}')
    logged = {r.getMessage() for r in caplog.records if r.name == "integrations.services"}
    assert logged == {"The dedup key of a call_result delivery could not be read"}


@pytest.mark.parametrize(("setting", "region"), [("ph", "PH"), ("", "ID"), (None, "ID")])
def test_numbers_in_text_are_read_in_the_default_region(settings, setting, region):
    from privacy.masking import _phone_region

    settings.AIRUDDER_DEFAULT_PHONE_REGION = setting
    assert _phone_region() == region


@pytest.mark.parametrize(
    ("literal", "shown"),
    [("1" * 26 + "e999", "1" * 26 + "e999"), ("1" * 27 + "e999", "1" * 25 + "…")],
)
def test_a_number_too_large_is_quoted_whole_up_to_thirty_characters(literal, shown):
    from integrations.services import webhook_body_parse

    _, error = webhook_body_parse(('{"a": ' + literal + "}").encode())
    assert error == f"a: {shown} is too large for a float"


@pytest.mark.parametrize(
    ("given", "kept"), [("k", True), ("k" * 200, True), ("k" * 201, False), ("", False)]
)
def test_a_dedup_key_is_kept_as_sent_from_one_to_two_hundred_characters(monkeypatch, given, kept):
    import dataclasses

    from integrations import kinds
    from integrations.services import webhook_dedup_key

    replaced = dataclasses.replace(kinds.get("call_result"), dedup_key=lambda payload: given)
    monkeypatch.setattr(kinds, "get", lambda slug: replaced)
    key = webhook_dedup_key(kind="call_result", payload={}, body=b"{}")
    assert (key == given) is kept and key


# --- The PostgreSQL statements of the fail-fast path, checked without PostgreSQL -----------------
# tests/integrations/test_fail_fast.py shows on PostgreSQL (CI) that a blocked table fails a
# delivery within 5 s; these check, on any database, which statements the services send for it.


class _Cursor:
    """A DB-API cursor that records what it is sent; after an ``execute`` its result sets are
    ``sets`` (``None`` for a statement that returns no rows, as a ``SET`` does)."""

    def __init__(self, sets=(None, None, ("id",))):
        self.sent, self._sets, self._at, self.advanced = [], list(sets), 0, 0

    def execute(self, sql, params=None):
        self.sent.append((sql, params) if params is not None else (sql,))
        self._at = 0

    @property
    def description(self):
        return self._sets[self._at]

    def nextset(self):
        self.advanced += 1
        if self._at + 1 >= len(self._sets):
            return None
        self._at += 1
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _postgresql(monkeypatch, cursor=None, **options):
    from types import SimpleNamespace

    from integrations import services

    fake = SimpleNamespace(
        vendor="postgresql", settings_dict={"OPTIONS": options}, cursor=lambda: cursor
    )
    monkeypatch.setattr(services, "connection", fake)
    return fake


TIMEOUTS = "SET LOCAL lock_timeout = 1500; SET LOCAL statement_timeout = 3500; "


@pytest.fixture
def timeouts(settings):
    settings.AIRUDDER_WEBHOOK_LOCK_TIMEOUT_MS = "1500"  # as read from the environment
    settings.AIRUDDER_WEBHOOK_STATEMENT_TIMEOUT_MS = 3500


def test_the_webhook_timeouts_are_set_for_the_transaction_only(timeouts):
    from integrations.services import _postgresql_timeouts

    assert _postgresql_timeouts() == TIMEOUTS


def test_on_postgresql_the_timeouts_go_in_the_same_round_trip_as_the_insert(monkeypatch, timeouts):
    from integrations.services import _execute_with_timeouts

    _postgresql(monkeypatch)
    cursor = _Cursor()
    _execute_with_timeouts(cursor, "INSERT … RETURNING id", [1, "a"])
    assert cursor.sent == [(TIMEOUTS + "INSERT … RETURNING id", [1, "a"])]
    # Past the two SETs' empty results, on the RETURNING row, and no further.
    assert cursor.description == ("id",) and cursor.advanced == 2


def test_with_server_side_binding_the_timeouts_are_a_statement_of_their_own(monkeypatch, timeouts):
    from integrations.services import _execute_with_timeouts

    _postgresql(monkeypatch, server_side_binding=True)
    cursor = _Cursor()
    _execute_with_timeouts(cursor, "INSERT … RETURNING id", [1, "a"])
    assert cursor.sent == [(TIMEOUTS,), ("INSERT … RETURNING id", [1, "a"])]
    assert cursor.advanced == 0


def test_on_sqlite_the_insert_is_sent_alone(monkeypatch):
    from types import SimpleNamespace

    from integrations import services
    from integrations.services import _execute_with_timeouts

    monkeypatch.setattr(services, "connection", SimpleNamespace(vendor="sqlite"))
    cursor = _Cursor(sets=(("id",),))
    _execute_with_timeouts(cursor, "INSERT … RETURNING id", [1])
    assert cursor.sent == [("INSERT … RETURNING id", [1])] and cursor.advanced == 0


def test_a_refusal_is_recorded_under_the_webhook_timeouts_on_postgresql(monkeypatch, timeouts):
    from integrations.models import WebhookRejection
    from integrations.services import webhook_rejection_record

    cursor = _Cursor()
    _postgresql(monkeypatch, cursor)
    rejection = webhook_rejection_record(
        reason="unknown_token", kind="call_result", remote_addr=None
    )
    assert cursor.sent == [(TIMEOUTS,)]
    assert WebhookRejection.objects.get().pk == rejection.pk


@pytest.mark.parametrize("server_side", [True, False])
def test_with_server_side_binding_a_delivery_is_stored_in_one_transaction(
    monkeypatch, endpoint, chat_payload, server_side
):
    from unittest import mock

    from django.db import connection, transaction

    from integrations import services

    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "server_side_binding", server_side)
    with mock.patch.object(services.transaction, "atomic", wraps=transaction.atomic) as atomic:
        services._upsert_event(
            {"endpoint_id": endpoint.pk, "kind": "call_result", "dedup_key": "k", "body": b"{}"}
        )
    assert atomic.call_count == (1 if server_side else 0)


def test_a_refusal_of_a_known_reason_is_counted_in_one_statement(django_assert_num_queries):
    _count_rejection("unknown_token")
    with django_assert_num_queries(1):
        _count_rejection("unknown_token")
    assert WebhookRejectionTotal.objects.get(reason="unknown_token").count == 2


def test_a_first_refusal_counted_by_two_deliveries_at_once_counts_both(monkeypatch):
    from types import SimpleNamespace

    from django.db import transaction

    from integrations import services

    def atomic_after_another():
        # Another delivery creates the row between this one's UPDATE and its INSERT.
        WebhookRejectionTotal.objects.create(reason="unknown_token", count=1)
        return transaction.atomic()

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=atomic_after_another))
    _count_rejection("unknown_token")
    assert WebhookRejectionTotal.objects.get(reason="unknown_token").count == 2


def test_a_sweep_processes_events_in_the_order_they_were_received(endpoint, replace_processor):
    from datetime import timedelta

    from django.utils import timezone

    from integrations.services import webhook_events_process

    now = timezone.now() - timedelta(hours=1)
    later = _event(endpoint, WebhookEvent.Status.FAILED, "later")
    earlier = _event(endpoint, WebhookEvent.Status.FAILED, "earlier")
    WebhookEvent.objects.filter(pk=later.pk).update(received_at=now + timedelta(seconds=1))
    WebhookEvent.objects.filter(pk=earlier.pk).update(received_at=now)
    seen = []
    replace_processor("call_result", lambda inbound: seen.append(inbound.event_id))
    webhook_events_process(statuses=[WebhookEvent.Status.FAILED])
    assert seen == [earlier.pk, later.pk]


def test_an_unusable_body_is_a_payload_error_on_the_field_body():
    from integrations.services import BodyError

    error = BodyError("body is not valid JSON: Expecting value at line 1 column 1")
    assert (error.field, error.problem) == ("body", error.args[0])
    assert str(error) == "body is not valid JSON: Expecting value at line 1 column 1"


def test_a_rotation_keeps_what_the_admin_changed_meanwhile(endpoint):
    stale = WebhookEndpoint.objects.get(pk=endpoint.pk)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(name="Renamed meanwhile")
    webhook_endpoint_rotate_secret(endpoint=stale, new_secret="new")
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.signing_secret) == ("Renamed meanwhile", "new")


def _receive(endpoint, body, **options):
    from integrations.services import webhook_event_receive

    return webhook_event_receive(
        endpoint=endpoint, kind="call_result", body=body, headers={}, remote_addr=None, **options
    )


@pytest.mark.parametrize(
    ("body", "enqueue"), [(b'{"call": {"call_id": "c-1"}}', False), (b"not json", True)]
)
def test_no_task_is_queued_when_the_caller_processes_it_or_the_body_is_unusable(
    endpoint, django_capture_on_commit_callbacks, body, enqueue
):
    with django_capture_on_commit_callbacks() as queued:
        delivery = _receive(endpoint, body, enqueue=enqueue)
    assert delivery.created and queued == []


def test_a_new_delivery_returns_its_stored_row_and_a_retry_leaves_the_body_unread(endpoint):
    body = b'{"call": {"call_id": "c-1"}}'
    new = _receive(endpoint, body).event
    new.validate_unique()  # the row itself, not a copy that would clash with it
    retry = _receive(endpoint, body)
    assert not retry.created and retry.event.pk == new.pk
    assert retry.event.get_deferred_fields() == {"body"}


@pytest.mark.parametrize(("digits", "error"), [(100, ""), (101, "too large (at most 100)")])
def test_an_integer_of_up_to_a_hundred_digits_is_kept(digits, error):
    from integrations.services import webhook_body_parse

    payload, found = webhook_body_parse(b'{"a": -' + b"9" * digits + b"}")
    assert found.endswith(error) and (payload is None) == bool(error)


def test_a_body_nested_too_deeply_says_so_exactly():
    from integrations.services import webhook_body_parse

    assert webhook_body_parse(b"[" * 100_000 + b"]" * 100_000) == (
        None,
        "body is not usable JSON: nested too deeply",
    )


def test_an_unusable_body_is_not_logged_as_an_unreadable_dedup_key(endpoint, caplog):
    with caplog.at_level("ERROR", logger="integrations.services"):
        delivery = _receive(endpoint, b"{not json")
    assert delivery.event.dedup_key.startswith("sha256:") and caplog.records == []


def test_processing_keeps_the_retries_counted_meanwhile(endpoint, replace_processor):
    from django.db.models import F

    from integrations.services import webhook_event_process

    event = _receive(endpoint, b'{"call": {"call_id": "c-1"}}', enqueue=False).event

    def retried_meanwhile(inbound):
        WebhookEvent.objects.filter(pk=inbound.event_id).update(
            delivery_count=F("delivery_count") + 1
        )

    replace_processor("call_result", retried_meanwhile)
    webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    assert (event.status, event.delivery_count) == (WebhookEvent.Status.PROCESSED, 2)


def test_an_endpoint_is_in_utc_unless_told_otherwise():
    assert webhook_endpoint_create(name="Plain").timezone == "UTC"


def test_local_numbers_are_read_in_the_endpoints_country(endpoint, call_payload):
    import json

    from calls_app.models import CallResult
    from integrations.services import webhook_event_process

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(default_country="PH")
    call_payload["call"]["callee_number"] = "0917 123 4567"
    event = _receive(endpoint, json.dumps(call_payload).encode(), enqueue=False).event
    webhook_event_process(event_id=event.pk)
    assert CallResult.objects.get().callee_number_key == "639171234567"


def test_events_received_at_the_same_moment_are_processed_in_the_order_they_were_stored(
    endpoint, replace_processor
):
    from django.utils import timezone

    from integrations.services import webhook_events_process

    now = timezone.now()
    first = _event(endpoint, WebhookEvent.Status.FAILED, "first")
    second = _event(endpoint, WebhookEvent.Status.FAILED, "second")
    # The first row written last (PostgreSQL then reads it after the second one).
    for event in (second, first):
        WebhookEvent.objects.filter(pk=event.pk).update(received_at=now)
    seen = []
    replace_processor("call_result", lambda inbound: seen.append(inbound.event_id))
    webhook_events_process(statuses=[WebhookEvent.Status.FAILED])
    assert seen == [first.pk, second.pk]


def test_processing_an_event_reads_its_endpoint_in_the_same_query(endpoint, replace_processor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from integrations.services import webhook_event_process

    event = _event(endpoint, WebhookEvent.Status.RECEIVED, "k")
    replace_processor("call_result", lambda inbound: None)
    with CaptureQueriesContext(connection) as queries:
        webhook_event_process(event_id=event.pk)
    endpoint_table = WebhookEndpoint._meta.db_table
    assert not [q for q in queries if f'FROM "{endpoint_table}"' in q["sql"]]
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
