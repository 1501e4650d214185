"""The inbox tells collections of each processed event; collections finds its record."""

import logging

from calls_app.models import CallResult
from sessions_app.models import ChatSession

from .services import collections_record

logger = logging.getLogger(__name__)


def _record(kind: str, payload: dict):
    if kind == "call_result":
        call = payload.get("call") if isinstance(payload.get("call"), dict) else {}
        return CallResult.objects.filter(call_id=str(call.get("call_id") or "")).first()
    if kind == "chatbot_session_end":
        return ChatSession.objects.filter(call_id=str(payload.get("call_id") or "")).first()
    return None


def on_event_processed(sender, *, kind: str, payload: dict, event_id, **kwargs) -> None:
    """Never raises: the event is processed already; ``manage.py collections_rebuild`` repairs."""
    try:
        record = _record(kind, payload)
        if record is None:
            return
        collections_record(record, endpoint_id=record.endpoint_id)
    except Exception:
        logger.exception("Collections could not read webhook event %s", event_id)
