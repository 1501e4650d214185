"""What the two record APIs (``/api/calls/``, ``/api/sessions/``) share, checked for each kind."""

import itertools
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls_app.models import CallResult, Redial
from sessions_app.models import ChatMessage
from tests.outcomes_dataset import CALL_CASES, SESSION_CASES, api_pages, query, user_with


@dataclass(frozen=True)
class Api:
    url: str
    cases: dict
    specs: str  # the Dataset attribute that lists this kind's records
    moment: str  # the field a list is sorted newest first by
    other_view: str  # a view permission of the other kind: not enough here


CALLS = Api("/api/calls/", CALL_CASES, "calls", "started_at", "sessions_app.view_chatsession")
SESSIONS = Api("/api/sessions/", SESSION_CASES, "sessions", "ended_at", "calls_app.view_callresult")
APIS = [pytest.param(CALLS, id="calls"), pytest.param(SESSIONS, id="sessions")]
API_CASES = [
    pytest.param(api, case, id=f"{api.specs}-{case}")
    for api in (CALLS, SESSIONS)
    for case in api.cases
]


def _ids(dataset, api: Api, predicate) -> set[str]:
    return {spec["call_id"] for spec in getattr(dataset, api.specs) if predicate(spec)}


@pytest.mark.parametrize(("api", "case"), API_CASES)
def test_list_filters_like_the_filterset(client, dataset, manager, api, case):
    params, predicate = api.cases[case]
    client.force_login(manager)
    rows = api_pages(client, f"{api.url}?{query(params)}")
    assert {row["call_id"] for row in rows} == _ids(dataset, api, predicate)


@pytest.mark.parametrize("api", APIS)
def test_list_pages_newest_first_through_every_record(client, dataset, manager, api):
    client.force_login(manager)
    rows = api_pages(client, f"{api.url}?page_size=3")
    ids = [row["call_id"] for row in rows]
    assert sorted(ids) == sorted(_ids(dataset, api, lambda s: True))
    dated = [row[api.moment] for row in rows if row[api.moment]]
    assert dated == sorted(dated, reverse=True)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("api", APIS)
def test_list_queries_do_not_grow_with_rows(client, dataset, manager, api):
    client.force_login(manager)
    _queries(client, api.url)  # the session and permissions, read once per request anyway
    one = _queries(client, f"{api.url}?page_size=1")
    every = _queries(client, f"{api.url}?page_size=100")
    assert len(client.get(f"{api.url}?page_size=100").json()["results"]) > 1
    assert one == every


def test_call_detail_queries_do_not_grow_with_related_rows(client, dataset, manager):
    client.force_login(manager)
    few = CallResult.objects.get(call_id="call-002")
    Redial.objects.filter(call=few).exclude(pk=few.redials.first().pk).delete()
    few.transcript.all().delete()
    _queries(client, "/api/calls/call-001/")
    many = _queries(client, "/api/calls/call-001/")
    assert many == _queries(client, "/api/calls/call-002/")


def test_session_detail_queries_do_not_grow_with_quoted_messages(client, dataset, manager):
    """A session none of whose messages quotes another, then one where each quotes the last."""
    client.force_login(manager)
    messages = list(ChatMessage.objects.filter(session__call_id="chat-002").order_by("position"))
    ChatMessage.objects.filter(pk__in=[m.pk for m in messages]).update(reply_to=None)
    _queries(client, "/api/sessions/chat-002/")
    quoting_none = _queries(client, "/api/sessions/chat-002/")
    for previous, message in itertools.pairwise(messages):
        message.reply_to = previous
    ChatMessage.objects.bulk_update(messages, ["reply_to"])
    quoting_all = _queries(client, "/api/sessions/chat-002/")
    detail = client.get("/api/sessions/chat-002/").json()["messages"]
    assert [m["reply_to_position"] for m in detail] == [None, *range(len(messages) - 1)]
    assert quoting_all == quoting_none


@pytest.mark.parametrize("api", APIS)
def test_needs_the_view_permission(client, dataset, api):
    client.force_login(user_with("other-kind-only", api.other_view))
    first = sorted(_ids(dataset, api, lambda s: True))[0]
    assert client.get(api.url).status_code == 403
    assert client.get(f"{api.url}{first}/").status_code == 403


@pytest.mark.parametrize("api", APIS)
def test_anonymous_is_refused(client, dataset, api):
    first = sorted(_ids(dataset, api, lambda s: True))[0]
    assert client.get(api.url).status_code in (401, 403)
    assert client.get(f"{api.url}{first}/").status_code in (401, 403)


@pytest.mark.parametrize("api", APIS)
def test_unknown_record_is_404(client, dataset, manager, api):
    client.force_login(manager)
    assert client.get(f"{api.url}nope/").status_code == 404
