"""The inbox tells collections of each batch of processed events; collections finds their
records and classifies them together."""

import logging

from calls_app.models import CallResult
from sessions_app.models import ChatSession

from .services import collections_record, collections_record_many

logger = logging.getLogger(__name__)


def _call_id(kind: str, payload: dict) -> str:
    if kind == "call_result":
        call = payload.get("call") if isinstance(payload.get("call"), dict) else {}
        return str(call.get("call_id") or "")
    return str(payload.get("call_id") or "")


_MODELS = {"call_result": CallResult, "chatbot_session_end": ChatSession}


def on_events_processed(sender, *, kind: str, events: list, **kwargs) -> None:
    """Never raises: the events are processed already; ``manage.py collections_rebuild``
    repairs. A batch that fails is classified again record by record, so one bad record only
    loses its own classification."""
    model = _MODELS.get(kind)
    if model is None:
        return
    ids = {_call_id(kind, payload) for _, payload in events} - {""}
    records = list(model.objects.filter(call_id__in=sorted(ids)).order_by("pk"))
    try:
        collections_record_many(records)
    except Exception:
        logger.exception("Collections will classify %s %s records one by one", len(records), kind)
        for record in records:
            try:
                collections_record(record)
            except Exception:
                logger.exception("Collections could not classify %s record %s", kind, record.pk)
