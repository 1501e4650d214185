"""The search box of a record list: bounded, numbers however written, words of the text."""

from urllib.parse import urlencode

from django.contrib import messages

from privacy.masking import can_view_contact_details, record_customer_names
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

# Matches a branch of the search reads at most, the newest first: a common name or word is in
# a hundred thousand records or a million turns, and ordering all of them took seconds.
SEARCH_MATCHES = 1000


def _newest(request, rows, key: str) -> list:
    """``key`` of the newest ``SEARCH_MATCHES`` of ``rows`` (by primary key); past that many,
    the list says that it shows the newest only."""
    keys = list(rows.order_by("-pk").values_list(key, flat=True)[: SEARCH_MATCHES + 1])
    if len(keys) > SEARCH_MATCHES and not getattr(request, "_search_narrowed", False):
        request._search_narrowed = True
        messages.info(
            request,
            f"The search matches more than {SEARCH_MATCHES:,} records, messages or turns: the "
            "list shows the newest of them. Add a word to narrow it.",
        )
    return sorted(set(keys[:SEARCH_MATCHES]))


class PhoneSearchAdminMixin:
    """The search box: bounded, finds numbers however written, and words in the records' text.

    - The term is cut to ``records.search.MAX_SEARCH_CHARS`` characters and
      ``MAX_SEARCH_WORDS`` words (a message says so), so no paste makes the query fail.
    - ``+62 812-3456``, ``0812-3456`` (read in ``AIRUDDER_DEFAULT_PHONE_REGION``) and
      ``628123456`` find the model's ``PHONE_KEY_FIELDS`` and any number containing them, so
      staff can paste a number as they got it. To staff who see customer details masked, only
      the whole number (its key, exactly), no masked search field (``contact_name_fields``),
      and only whole words without digits in the text: no search finds part of what they see
      masked.
    - ``text_search = (accessor, fields)`` (e.g. ``("messages", ("text",))``) also finds the
      records one of whose related rows contains every word (``records.search``); the
      list's links then open the record at the first match (``?q=…#search-hit``).
    """

    text_search: tuple[str, tuple[str, ...]] | None = None
    # Where the customer's name is kept (``callee_name``; ``variables``: its name variables).
    customer_name_lookups: tuple[str, ...] = ()
    # Rows of ``text_search``'s model shown masked whole (``{"content_type": "contacts"}``).
    masked_texts: dict = {}
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
        reveal = can_view_contact_details(request.user)
        # No duplicates either way: the list is filtered by a set of keys.
        branches = []
        if self.get_search_fields(request):
            matches, _ = super().get_search_results(request, records, term)
            branches.append(records.filter(pk__in=_newest(request, matches, "pk")))
        if self.workflow_search:
            workflows = _workflows_named(term)
            if workflows:
                branches.append(records.filter(workflow_id__in=workflows))
        if is_phone_term(term):  # a number is found by its key, not in what was said
            branches.append(
                records.filter(phone_match(term, self.model.PHONE_KEY_FIELDS, partial=reveal))
            )
        elif self.text_search:
            accessor, fields = self.text_search
            relation = self.model._meta.get_field(accessor)
            rows = relation.related_model._default_manager.all()
            if not reveal and self.masked_texts:
                rows = rows.exclude(**self.masked_texts)
            texts = text_filter(rows, fields, term, masked=not reveal)
            if texts is not None:
                found = records.filter(pk__in=_newest(request, texts, relation.field.attname))
                branches.append(found if reveal else self._not_named(found, term))
        if not branches:
            return queryset.none(), False
        return queryset.filter(pk__in=_union_of_keys(branches)), False

    def get_search_fields(self, request):
        """Without the contact-details permission, no field shown masked is searched."""
        fields = super().get_search_fields(request)
        if can_view_contact_details(request.user):
            return fields
        masked = {
            *getattr(self, "contact_phone_fields", ()),
            *getattr(self, "contact_name_fields", ()),
        }
        return [f for f in fields if f.lstrip("^=@").split("__")[0] not in masked]

    def _masked_text(self, row) -> bool:
        return bool(self.masked_texts) and all(
            getattr(row, name, None) == value for name, value in self.masked_texts.items()
        )

    def _not_named(self, found, term: str):
        """Text hits without the records whose customer's name holds a word of the term: a
        name said in a transcript is masked, and a hit on it would tell the name."""
        for lookup in self.customer_name_lookups:
            for word in search_words(term, masked=True):
                found = found.exclude(**{f"{lookup}__icontains": word})
        return found

    def search_hits_context(self, request, rows, fields: tuple[str, ...], record=None) -> dict:
        """For a record's page opened from a search: the positions of its ``rows`` (messages,
        turns) that contain every word, to mark them (``search_hits``) and open the page at the
        first (``first_search_hit``, the ``#search-hit`` anchor). Masked users: as the list
        finds them, never on a word of the customer's name or a masked text."""
        term = request_search_term(request)
        masked = not can_view_contact_details(request.user)
        if masked:
            names = record_customer_names(record, self.customer_name_lookups)
            named = set(search_words(" ".join(names)))
            term = " ".join(w for w in search_words(term, masked=True) if w not in named)
            rows = [row for row in rows if not self._masked_text(row)]
        if not search_words(term, masked=masked):
            return {}
        texts = [(row.position, " ".join(getattr(row, f) or "" for f in fields)) for row in rows]
        hits = text_hits(texts, term, masked=masked)
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
