"""The admin lists' search: bounded terms, and words found in messages and transcripts.

- ``bound_search_term``: a term is cut to ``MAX_SEARCH_CHARS`` characters and
  ``MAX_SEARCH_WORDS`` words before it reaches the database (a pasted page of text would
  otherwise build a query too large to run); the admin says when it shortened one.
- ``text_match``: the rows of a text model (chat messages, transcript turns) whose fields
  contain every word. On PostgreSQL it is full-text search (``to_tsvector('simple', …)``, no
  stemming: the conversations mix Indonesian, English and names), served by the GIN expression
  indexes the apps' migrations create there; elsewhere (SQLite) every word is ``icontains``.
- ``text_hits``: which of a record's texts match, to mark them on its page.
- ``TrigramIndex`` and ``postgresql_indexes``: the indexes that serve the search fields'
  ``%term%`` on PostgreSQL (``pg_trgm``), built by the apps' migrations.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import parse_qs

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, migrations
from django.db.models import Q

MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 10
SEARCH_CONFIG = "simple"
# Words as full-text search tokenises them, near enough: letters and digits.
_WORD = re.compile(r"\w+")


def bound_search_term(term: str) -> tuple[str, bool]:
    """``term`` cut to ``MAX_SEARCH_CHARS`` characters and ``MAX_SEARCH_WORDS`` words, and
    whether it was cut."""
    term = term or ""
    cut = term[:MAX_SEARCH_CHARS]
    words = cut.split()
    if len(words) > MAX_SEARCH_WORDS:
        cut = " ".join(words[:MAX_SEARCH_WORDS])
    cut = cut.strip()
    return cut, cut != term.strip()


def search_words(term: str, *, masked: bool = False) -> list[str]:
    """The words of a term that text search looks for, lower-cased, each once.

    ``masked`` (a user who sees customer details masked): no word with a digit, since the
    numbers said in the texts are masked to them, and a word would find a part of one.
    """
    words = dict.fromkeys(word.casefold() for word in _WORD.findall(term or ""))
    return [word for word in words if not (masked and any(c.isdigit() for c in word))]


def search_vector(*fields: str) -> SearchVector:
    """The vector the GIN indexes are built on: keep queries and indexes on this one function."""
    return SearchVector(*fields, config=SEARCH_CONFIG)


def text_match(
    fields: Sequence[str], term: str, *, vendor: str | None = None, masked: bool = False
) -> Q | None:
    """A filter on a text model: rows whose ``fields`` together contain every word of ``term``.

    ``None`` when the term has no word (nothing to look for). ``masked``: whole words only
    (full-text search already matches whole words), none with a digit (``search_words``).
    """
    words = search_words(term, masked=masked)
    if not words:
        return None

    def every_word(contains) -> Q:
        return reduce(
            lambda left, right: left & right,
            (reduce(or_, (contains(field, word) for field in fields)) for word in words),
        )

    def substring(field, word):
        return Q(**{f"{field}__icontains": word})

    if (vendor or connection.vendor) == "postgresql":
        query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="plain")
        match = Q(search_vector_match=query)
        if len(fields) < 2:
            return match
        # A row holding a word holds it as a substring too. Over several fields (a transcript
        # turn's two texts) that test is cheaper than their vector and runs first, sparing most
        # rows walked for the newest matches of a common word ("I will" over 4.8M turns: 695 ->
        # 250 ms). Over one short text (a message) it is not, and it misleads the planner's
        # estimate into sorting every match (332 -> 449 ms), so it is left out there.
        return every_word(substring) & match

    def whole_word(field, word):
        return Q(**{f"{field}__iregex": rf"\b{re.escape(word)}\b"})

    return every_word(whole_word if masked else substring)


def text_filter(queryset, fields: Sequence[str], term: str, *, masked: bool = False):
    """``queryset`` (of a text model) filtered by ``text_match``, or ``None`` without words."""
    match = text_match(fields, term, masked=masked)
    if match is None:
        return None
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(search_vector_match=search_vector(*fields))
    return queryset.filter(match)


def text_hits(texts: Iterable[tuple[object, str]], term: str, *, masked: bool = False) -> list:
    """The keys of the ``(key, text)`` pairs whose text contains every word of ``term``
    (``masked``: as ``text_match`` finds them for such a user, whole words without digits)."""
    words = search_words(term, masked=masked)
    if not words:
        return []
    hits = []
    for key, text in texts:
        found = set(search_words(text))
        if all(word in found or (not masked and any(word in w for w in found)) for word in words):
            hits.append(key)
    return hits


def request_search_term(request) -> str:
    """The list's search a record page was opened from: ``?q=`` or the admin's preserved
    ``_changelist_filters``; bounded as the list bounds it."""
    term = request.GET.get("q", "")
    if not term and "_changelist_filters" in request.GET:
        term = parse_qs(request.GET["_changelist_filters"]).get("q", [""])[0]
    return bound_search_term(term)[0]


@dataclass(frozen=True)
class TrigramIndex:
    """A trigram index serving ``field__icontains`` (``UPPER(field::text) LIKE UPPER('%…%')``,
    so built on that expression) or, with ``case_insensitive=False``, ``field__contains``."""

    name: str
    field: str
    case_insensitive: bool = True

    def create_sql(self, model, quote) -> str:
        column = f"{quote(model._meta.get_field(self.field).column)}::text"
        expression = f"(UPPER({column}))" if self.case_insensitive else f"({column})"
        return (
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {quote(self.name)} "
            f"ON {quote(model._meta.db_table)} USING gin ({expression} gin_trgm_ops)"
        )


def postgresql_indexes(app_label: str, model_name: str, indexes: list) -> migrations.RunPython:
    """A migration operation that builds trigram ``indexes`` on PostgreSQL only, without locking
    writes (``CREATE INDEX CONCURRENTLY``: the migration must be ``atomic = False``); other
    databases (SQLite) search without them. Creates ``pg_trgm`` first, a trusted extension that
    a database's owner may create."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            schema_editor.execute(index.create_sql(model, schema_editor.quote_name))

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in indexes:
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(index.name)}"
            )

    return migrations.RunPython(create, drop)
