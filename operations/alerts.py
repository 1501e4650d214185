"""Alerts: failures piling up, a backlog that does not drain, deliveries refused, a busy endpoint
gone silent.

``alerts_check()`` (every minute from Celery beat, or ``manage.py check_alerts``) evaluates each
condition. One that starts firing opens an ``AlertIncident`` and sends one message; while it
keeps firing nothing more is sent; when it clears the incident is resolved with one "resolved"
message. Messages go by email to ``AIRUDDER_ALERT_EMAILS`` and, when set, as ``{"text": ...}``
to the Slack-compatible webhook ``AIRUDDER_ALERT_WEBHOOK_URL``. They carry counts, endpoint
names and kinds only: no error text (it may quote a payload), no customer data, no token.
"""

import json
import logging
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from integrations.models import AlertIncident
from operations import inbox

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Condition:
    key: str
    firing: bool
    message: str = ""


def _inbox_url() -> str:
    try:
        path = reverse("dashboard:inbox")
    except NoReverseMatch:
        return ""
    return settings.AIRUDDER_PUBLIC_BASE_URL.rstrip("/") + path


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def failures_condition(now) -> Condition:
    window = settings.AIRUDDER_ALERT_FAILURES_WINDOW_MINUTES
    threshold = settings.AIRUDDER_ALERT_FAILURES_THRESHOLD
    failed = inbox.failures_since(now - timedelta(minutes=window))
    return Condition(
        key="failures",
        firing=failed > threshold,
        message=f"{failed} webhook events failed in the last {window} min "
        f"(alert above {threshold}).",
    )


def backlog_condition(now) -> Condition:
    limit = settings.AIRUDDER_ALERT_BACKLOG_AGE_MINUTES * 60
    backlog = inbox.backlog()
    age = backlog.age_seconds(now)
    return Condition(
        key="backlog",
        firing=backlog.events > 0 and age > limit,
        message=f"{backlog.events} webhook events wait to be processed; the oldest arrived "
        f"{_minutes(age)} ago (alert after {_minutes(limit)}): are the workers running?",
    )


def rejections_condition(now) -> Condition:
    """Refused deliveries keep coming: an old URL, a secret not entered, or probing."""
    window = settings.AIRUDDER_ALERT_REJECTIONS_WINDOW_MINUTES
    threshold = settings.AIRUDDER_ALERT_REJECTIONS_THRESHOLD
    per_reason = inbox.rejections_since(now - timedelta(minutes=window))
    refused = sum(per_reason.values())
    reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(per_reason.items()))
    return Condition(
        key="rejections",
        firing=refused > threshold,
        message=f"{refused} webhook deliveries were refused in the last {window} min "
        f"({reasons or 'none'}; alert above {threshold}).",
    )


def _silence_key(endpoint_id: int, kind: str) -> str:
    return f"silence:{endpoint_id}:{kind}"


def silence_conditions(now) -> list[Condition]:
    """Per busy stream (endpoint and kind): silent for longer than usual.

    A stream is busy with at least ``AIRUDDER_ALERT_SILENCE_MIN_DELIVERIES`` new events in the
    last 24 h. An open silence incident stays open until a delivery arrives, even once the
    stream no longer counts as busy (its day of traffic has aged out).
    """
    day_ago = now - timedelta(hours=24)
    floor = settings.AIRUDDER_ALERT_SILENCE_MIN_MINUTES * 60
    conditions: dict[str, Condition] = {}
    streams = inbox.busy_streams(
        since=day_ago, min_deliveries=settings.AIRUDDER_ALERT_SILENCE_MIN_DELIVERIES
    )
    for stream in streams:
        key = _silence_key(stream["endpoint_id"], stream["kind"])
        silent = (now - stream["last_delivery_at"]).total_seconds()
        firing = False
        limit = floor
        if silent > floor:  # only then is the median worth reading
            median = inbox.median_gap_seconds(
                endpoint_id=stream["endpoint_id"], kind=stream["kind"], since=day_ago
            )
            limit = max(floor, settings.AIRUDDER_ALERT_SILENCE_FACTOR * (median or 0))
            firing = silent > limit
        conditions[key] = Condition(
            key=key,
            firing=firing,
            message=f"Endpoint {stream['endpoint__name']!r} has received no {stream['kind']} "
            f"delivery for {_minutes(silent)} (usually busy: {stream['events']} in the last "
            f"24 h; alert after {_minutes(limit)}).",
        )
    still_open = AlertIncident.objects.filter(
        key__startswith="silence:", resolved_at__isnull=True
    ).exclude(key__in=list(conditions))
    for incident in still_open:
        _, endpoint_id, kind = incident.key.split(":", 2)
        last = inbox.last_delivery(endpoint_id=int(endpoint_id), kind=kind)
        conditions[incident.key] = Condition(
            key=incident.key,
            firing=last is None or last <= incident.opened_at,
            message=incident.message,
        )
    return list(conditions.values())


def conditions_evaluate(now=None) -> list[Condition]:
    now = now or timezone.now()
    return [
        failures_condition(now),
        backlog_condition(now),
        rejections_condition(now),
        *silence_conditions(now),
    ]


def _webhook_post(text: str) -> None:
    url = settings.AIRUDDER_ALERT_WEBHOOK_URL
    if not url:
        return
    if not url.startswith(("https://", "http://")):
        logger.error("AIRUDDER_ALERT_WEBHOOK_URL is not an http(s) URL; alert not posted")
        return
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read(1024)
    except Exception as exc:
        # The URL is a credential of its own: the log names the failure, not the URL.
        logger.warning("The alert webhook could not be posted: %s", type(exc).__name__)


def alert_send(subject: str, body: str) -> None:
    """Email the recipients and post to the webhook; failures are logged, never raised."""
    logger.warning("%s: %s", subject, body)  # also in the logs, whoever else is told
    link = _inbox_url()
    text = f"{body}\n\nInbox health: {link}" if link else body
    recipients = settings.AIRUDDER_ALERT_EMAILS
    if recipients:
        try:
            send_mail(f"[AI Rudder inbox] {subject}", text, None, recipients)
        except Exception as exc:
            logger.warning("The alert email could not be sent: %s", type(exc).__name__)
    _webhook_post(f"{subject}\n{text}")


def _open(condition: Condition, now) -> bool:
    if AlertIncident.objects.filter(key=condition.key, resolved_at__isnull=True).exists():
        return False
    try:
        with transaction.atomic():
            AlertIncident.objects.create(
                key=condition.key, message=condition.message, opened_at=now
            )
    except IntegrityError:  # another check opened it at the same moment
        return False
    return True


def _resolve(condition: Condition, now) -> AlertIncident | None:
    incident = AlertIncident.objects.filter(key=condition.key, resolved_at__isnull=True).first()
    if incident is None:
        return None
    # Only the check whose update wins says "resolved".
    won = AlertIncident.objects.filter(pk=incident.pk, resolved_at__isnull=True).update(
        resolved_at=now
    )
    return incident if won else None


def alerts_check(now=None) -> dict[str, list[str]]:
    """Evaluate every condition; returns the keys of the incidents opened and resolved."""
    now = now or timezone.now()
    opened, resolved = [], []
    for condition in conditions_evaluate(now):
        if condition.firing:
            if _open(condition, now):
                opened.append(condition.key)
                alert_send(f"ALERT {condition.key}", condition.message)
        else:
            incident = _resolve(condition, now)
            if incident is not None:
                resolved.append(condition.key)
                lasted = _minutes((now - incident.opened_at).total_seconds())
                alert_send(
                    f"RESOLVED {condition.key}",
                    f"Resolved after {lasted}. It was: {incident.message}",
                )
    return {"opened": opened, "resolved": resolved}
