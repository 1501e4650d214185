"""Bodies for collections tests: AI Rudder's example bodies with the fields a test varies."""

import copy
import datetime as dt

import pytest

from tests.conftest import CALL_EXAMPLE, CHAT_EXAMPLE


def call_body(
    call_id: str,
    *,
    start: str = "2025-04-10 09:00:00",
    answered: bool = True,
    intention: str = "E",
    description: str = "No Voice",
    number: str = "+6281234560001",
    case: str = "case-1",
    labels: dict | None = None,
    slots: dict | None = None,
    asr_ptp: str = "",
    workflow: str = "wf-collect",
    owing: str = "20310.00",
    currency: str = "USD",
    node: str | None = None,
) -> dict:
    """The example call push as ``call_id``, answered (60 s) or not (its end is its start)."""
    body = copy.deepcopy(CALL_EXAMPLE)
    body["workflow_id"], body["workflow_name"] = workflow, f"Workflow {workflow}"
    if node is not None:  # another API node's push of the call (not a retry of the first)
        body["node_id"] = node
    began = dt.datetime.fromisoformat(start)
    end = began + dt.timedelta(seconds=60 if answered else 0)
    body["callee"].update(
        case_id=case, callee_number=number, total_owing_amount=owing, currency_unit=currency
    )
    body["call"].update(
        call_id=call_id,
        callee_number=number,
        call_start_time=start,
        call_end_time=end.strftime("%Y-%m-%d %H:%M:%S"),
        intention=intention,
        intention_description=description,
        multi_label={} if labels is None else labels,
        ner_slots={} if slots is None else slots,
        asr_ptp=asr_ptp,
    )
    return body


def chat_body(
    call_id: str,
    *,
    end: str = "2025-04-15T06:41:09Z",
    intention: str = "E",
    labels: dict | None = None,
    slots: dict | None = None,
    number: str = "+6281234560009",
    workflow: str = "wf-chat",
    rounds: int = 2,
) -> dict:
    body = copy.deepcopy(CHAT_EXAMPLE)
    body.update(
        call_id=call_id,
        workflow_id=workflow,
        workflow_name=f"Workflow {workflow}",
        session_end_time=end,
        intention=intention,
        event_label={} if labels is None else labels,
        ner_slots={} if slots is None else slots,
        callee=number,
        talk_round=rounds,
    )
    return body


@pytest.fixture
def call(deliver):
    """Deliver a call push built by ``call_body``; asserts it was accepted."""

    def _call(call_id: str, **fields):
        response = deliver("call_result", call_body(call_id, **fields))
        assert response.status_code == 200, response.content
        return response

    return _call


@pytest.fixture
def chat(deliver):
    def _chat(call_id: str, **fields):
        response = deliver("chatbot_session_end", chat_body(call_id, **fields))
        assert response.status_code == 200, response.content
        return response

    return _chat
