"""The search box of a record list: bounded, numbers however written, words of the text."""

from urllib.parse import urlencode

from django.contrib import messages

from records.models import Workflow
from records.phones import is_phone_term, phone_match
from records.search import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_WORDS,
    bound_search_term,
    request_search_term,
    search_words,
    text_filter,
    text_hits,
)


class PhoneSearchAdminMixin:
    """The search box: bounded, finds numbers however written, and words in the records' text.

    - The term is cut to ``records.search.MAX_SEARCH_CHARS`` characters and
      ``MAX_SEARCH_WORDS`` words (a message says so), so no paste makes the query fail.
    - ``+62 812-3456``, ``0812-3456`` (read in ``AIRUDDER_DEFAULT_PHONE_REGION``) and
      ``628123456`` find the model's ``PHONE_KEY_FIELDS`` and any number containing them, so
      staff can paste a number as they got it; masked staff can search by the number they were
      told.
    - ``text_search = (accessor, fields)`` (e.g. ``("messages", ("text",))``) also finds the
      records one of whose related rows contains every word (``records.search``); the
      list's links then open the record at the first match (``?q=…#search-hit``).
    """

    text_search: tuple[str, tuple[str, ...]] | None = None
    workflow_search = False  # also find the records of the workflows whose name has the term

    def get_search_results(self, request, queryset, search_term):
        term, shortened = bound_search_term(search_term)
        if shortened and not getattr(request, "_search_shortened", False):
            request._search_shortened = True
            messages.warning(
                request,
                f"The search was shortened to its first {MAX_SEARCH_WORDS} words and "
                f"{MAX_SEARCH_CHARS} characters: “{term}”.",
            )
        if not term:
            return queryset, False
        records = self.model._default_manager.all()
        # No duplicates either way: the list is filtered by a set of keys.
        matches, _ = super().get_search_results(request, records, term)
        branches = [matches]
        if self.workflow_search:
            workflows = _workflows_named(term)
            if workflows:
                branches.append(records.filter(workflow_id__in=workflows))
        if is_phone_term(term):  # a number is found by its key, not in what was said
            branches.append(
                records.filter(phone_match(term, self.model.PHONE_KEY_FIELDS, partial=True))
            )
        elif self.text_search:
            accessor, fields = self.text_search
            relation = self.model._meta.get_field(accessor)
            texts = text_filter(relation.related_model._default_manager.all(), fields, term)
            if texts is not None:
                branches.append(records.filter(pk__in=texts.values(relation.field.attname)))
        return queryset.filter(pk__in=_union_of_keys(branches)), False

    def search_hits_context(self, request, rows, fields: tuple[str, ...]) -> dict:
        """For a record's page opened from a search: the positions of its ``rows`` (messages,
        turns) that contain every word, to mark them (``search_hits``) and open the page at the
        first (``first_search_hit``, the ``#search-hit`` anchor)."""
        term = request_search_term(request)
        if not search_words(term):
            return {}
        texts = [(row.position, " ".join(getattr(row, f) or "" for f in fields)) for row in rows]
        hits = text_hits(texts, term)
        return {
            "search_term": term,
            "search_hits": hits,
            "first_search_hit": hits[0] if hits else None,
        }

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if not self.text_search:
            return changelist

        class SearchLinkChangeList(changelist):
            def url_for_result(self, result):
                url = super().url_for_result(result)
                term = bound_search_term(self.query)[0]
                if is_phone_term(term) or not search_words(term):
                    return url
                joiner = "&" if "?" in url else "?"
                return f"{url}{joiner}{urlencode({'q': term})}#search-hit"

        return SearchLinkChangeList


def _workflows_named(term: str) -> list[int]:
    """The workflows whose name contains ``term``: a small table, read once per search, so
    that the records' own query needs no join."""
    return list(Workflow.objects.filter(name__icontains=term).values_list("pk", flat=True))


def _union_of_keys(branches):
    """The primary keys any branch matches, as one subquery.

    Each branch (the search fields, a workflow, a phone key, words of the text) is served by
    its own index on PostgreSQL (trigram, B-tree, full-text); one ``WHERE`` with their ``OR``
    would make the planner read every row instead, and a subquery in an ``OR`` cannot use an
    index at all. A ``UNION`` of their keys keeps each branch on its index.
    """
    keys = [branch.order_by().values("pk") for branch in branches]
    return keys[0].union(*keys[1:]) if len(keys) > 1 else keys[0]
