"""The interface every search backend implements.

* ``index(entry)`` / ``index_many(entries)`` — (re)write the engine's full-text data of saved entries.
* ``remove(entry_ids)`` — drop engine data of deleted entries.
* ``rebuild()`` — rewrite the engine's data of every entry (after bulk changes or a restore).
* ``query(qs, parsed, limit, offset, exact)`` — the entries of ``qs`` (already trimmed by authorization and
  filters) that match ``parsed``, best first: number/symbol key matches, then full-text rank, then date.
  Returns model instances of the requested page; :mod:`vpdt.search.services` adds the snippets.
"""

from __future__ import annotations

import contextlib

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from ..text import ParsedQuery

TABLE = "search_searchentry"


class Backend:
    vendor = ""
    ranks_branches = False  # whether :meth:`query_branches` ranks inside the branches of the visibility predicate

    def __init__(self, connection):
        self.connection = connection

    # --- engine data -----------------------------------------------------------------------------
    def index(self, entry) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def index_many(self, entries) -> None:
        for entry in entries:
            self.index(entry)

    def remove(self, entry_ids) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def rebuild(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def tuned(self):
        """Context for running a search query (engine settings for that query only)."""
        return contextlib.nullcontext()

    # --- matching --------------------------------------------------------------------------------
    def text_filter(
        self, qs: QuerySet, parsed: ParsedQuery, *, ranked: bool, scan: bool = False
    ) -> tuple[QuerySet, Q, str | None]:
        """Apply the words and phrases: (queryset, predicate still to apply, name of a rank to order by, where
        smaller is better). With ``ranked`` False the backend only needs to give the predicate; with ``scan`` the
        predicate is tested on each row the rest of the query reads, without the engine's text index."""
        raise NotImplementedError  # pragma: no cover

    def scans(self, agency: Q | None, parsed: ParsedQuery) -> bool:
        """Whether entries under the agency condition ``agency`` (None: a branch bounded by a list of objects) are
        better read through that index and tested one by one than looked up in the text index (which reads every
        entry of the table that matches)."""
        return False

    def match_q(self, parsed: ParsedQuery, *, scan: bool = False) -> Q:
        """The condition an entry must meet to match ``parsed`` (what :meth:`query` keeps, without ranking), written
        so that it can also stand inside a subquery on the entry table (see :meth:`text_filter` for ``scan``)."""
        has_text = bool(parsed.words or parsed.phrases)
        text_q = self.text_filter(None, parsed, ranked=False, scan=scan)[1] if has_text else None
        if parsed.key:
            return Q(number_key__startswith=parsed.key) | (text_q if text_q is not None else Q(pk__in=[]))
        return text_q if text_q is not None else Q()

    def query(
        self,
        qs: QuerySet,
        parsed: ParsedQuery,
        *,
        limit: int,
        offset: int = 0,
        exact: bool = False,
        matched: bool = False,
    ):
        """``matched``: ``qs`` holds only entries that meet :meth:`match_q` already (only the ranking is added)."""
        order = []
        has_text = bool(parsed.words or parsed.phrases)
        if parsed.key:
            # A number/symbol: its key (exactly, then as a prefix) or the words anywhere; newest first.
            key_q = Q(number_key__startswith=parsed.key)
            text_q = self.text_filter(qs, parsed, ranked=False)[1] if has_text else Q(pk__in=[])
            if not matched:
                qs = qs.filter(key_q | text_q)
            qs = qs.annotate(
                key_rank=Case(
                    When(number_key=parsed.key, then=Value(0)),
                    When(key_q, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            order.append("key_rank")
        elif has_text:
            qs, predicate, rank = self.text_filter(qs, parsed, ranked=True)
            if not matched:
                qs = qs.filter(predicate)
            if rank:
                order.append(rank)
        if exact:
            for term in parsed.raw_terms:
                qs = qs.filter(exact_text__contains=term)
        order += ["-doc_date", "-id"]
        return list(qs.order_by(*order)[offset : offset + limit])

    def query_branches(self, branches, parsed: ParsedQuery, *, limit: int, offset: int, exact: bool, fields):
        """Like :meth:`query`, over the union of ``branches`` ((agency condition, querysets of entries that meet
        :meth:`match_q` already)): each branch ranks its own entries, only the entries of the page are read whole.
        Returns the rows and how many newest entries of a branch were ranked at most (0: all)."""
        raise NotImplementedError  # pragma: no cover


def boolean(sql: str, params) -> RawSQL:
    return RawSQL(sql, params, output_field=BooleanField())
