"""On PostgreSQL every branch of the admin's search is served by an index, never by reading the
records table row by row (what made a call-id search take 6 s at a million calls).

The tables here are tiny, so sequential scans (and plain index walks) are switched off for the
plan: what is asserted is that the term's index *can* serve each branch, which is what the
planner chooses at scale (``benchmarks/README.md``, section 3).
"""

import pytest
from django.contrib import admin
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from calls_app.models import CallResult
from sessions_app.models import ChatSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram and full-text indexes exist on PostgreSQL only")


def plan(model, term: str, admin_user) -> str:
    """The plans of the list's query and of any query its search ran first (the newest
    matching texts' records)."""
    request = RequestFactory().get("/", {"q": term})
    request.user = admin_user
    model_admin = admin.site._registry[model]
    with CaptureQueriesContext(connection) as before:
        queryset, _ = model_admin.get_search_results(request, model.objects.all(), term)
    explained = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a walk of the primary key backwards for the newest matches: on a tiny table it is
        # the cheapest way to "the newest 1,000"; at scale a rare term takes its own index.
        cursor.execute("SET LOCAL enable_indexscan = off")
        for sql in [q["sql"] for q in before.captured_queries if q["sql"].startswith("SELECT")]:
            cursor.execute(f"EXPLAIN {sql}")
            explained += [row[0] for row in cursor.fetchall()]
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # no branch matched: the list runs no query
            return "\n".join(explained)
        cursor.execute(f"EXPLAIN {sql}", params)
        explained += [row[0] for row in cursor.fetchall()]
    return "\n".join(explained)


@pytest.mark.parametrize(
    ("model", "term", "indexes"),
    [
        (CallResult, "817377d194", ["call_call_id_trgm", "call_case_id_trgm"]),
        (CallResult, "Siti", ["call_callee_name_trgm", "transcriptturn_text_search"]),
        (CallResult, "0812-3456", ["call_callee_key_trgm", "call_contact_key_trgm"]),
        (ChatSession, "chat-1", ["session_call_id_trgm", "chatmessage_text_search"]),
        (ChatSession, "+62 857", ["session_callee_key_trgm"]),
    ],
)
def test_each_search_branch_uses_an_index(postgresql_only, admin_user, model, term, indexes):
    explained = plan(model, term, admin_user)
    for index in indexes:
        assert index in explained, explained
    assert f"Seq Scan on {model._meta.db_table}" not in explained, explained


def test_a_text_search_tests_each_word_as_a_substring_before_computing_the_vector(
    postgresql_only, admin_user
):
    """The newest matches of a common word are found walking the texts newest first: each row
    is first tested for the words as substrings (cheap), and only then for the vector (the
    to_tsvector of every row walked took 695 ms for "I will" at a million calls)."""
    request = RequestFactory().get("/", {"q": "will"})
    request.user = admin_user
    model_admin = admin.site._registry[CallResult]
    with CaptureQueriesContext(connection) as seen:
        queryset, _ = model_admin.get_search_results(request, CallResult.objects.all(), "will")
        list(queryset[:1])
    (turns,) = [q["sql"] for q in seen if 'FROM "calls_app_transcriptturn"' in q["sql"]]
    assert "@@" in turns
    assert """LIKE UPPER('%will%')""" in turns, turns
