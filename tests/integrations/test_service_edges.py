"""The inbox's services at their edges, called directly: what the admin and the commands rely
on even when a caller does not check first."""

import pytest

from integrations.models import WebhookEvent, WebhookRejectionTotal
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
    from integrations.signals import event_processed

    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs["event_id"], kwargs["kind"]))

    event_processed.connect(listener, sender=WebhookEvent, weak=False)
    try:
        event = _stored(endpoint, chat_payload)
        webhook_event_process(event_id=event.pk)
    finally:
        event_processed.disconnect(listener, sender=WebhookEvent)
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
