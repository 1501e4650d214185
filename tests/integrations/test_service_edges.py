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
