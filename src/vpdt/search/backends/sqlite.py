"""SQLite: an FTS5 table ``search_fts`` (rowid = entry id) holding our own folded text, tokenised by
``unicode61 remove_diacritics 2``; ranked with bm25 (title weighs more than the body)."""

from __future__ import annotations

from django.db.models import Q

from ..text import ParsedQuery, index_form
from .base import TABLE, Backend, boolean

FTS = "search_fts"  # created by migration 0002


def match_expression(parsed: ParsedQuery) -> str:
    """FTS5 query: every word (the last one as a prefix) and every phrase. Tokens are \\w+ only."""
    parts = [f'"{" ".join(p)}"' for p in parsed.phrases]
    for i, word in enumerate(parsed.words):
        parts.append(f'"{word}"*' if i == len(parsed.words) - 1 else f'"{word}"')
    return " AND ".join(parts)


class SqliteBackend(Backend):
    vendor = "sqlite"

    def index(self, entry) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid = %s", [entry.pk])
            cursor.execute(
                f"INSERT INTO {FTS}(rowid, title, body) VALUES (%s, %s, %s)",
                [entry.pk, index_form(entry.title), entry.folded],
            )

    def index_many(self, entries) -> None:
        entries = list(entries)
        if not entries:
            return
        with self.connection.cursor() as cursor:
            self.remove([e.pk for e in entries])
            cursor.executemany(
                f"INSERT INTO {FTS}(rowid, title, body) VALUES (%s, %s, %s)",
                [(e.pk, index_form(e.title), e.folded) for e in entries],
            )

    def remove(self, entry_ids) -> None:
        ids = list(entry_ids)
        if not ids:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)

    def rebuild(self) -> None:
        from ..models import SearchEntry

        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")
        batch = []
        for entry in SearchEntry.objects.only("id", "title", "folded").iterator(chunk_size=500):
            batch.append(entry)
            if len(batch) == 500:
                self.index_many(batch)
                batch = []
        self.index_many(batch)

    def text_filter(self, qs, parsed: ParsedQuery, *, ranked: bool, scan: bool = False):
        expr = match_expression(parsed)
        if not ranked:
            # "id" unqualified: the condition also stands in subqueries where the entry table has another alias.
            return qs, Q(boolean(f"id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)", [expr])), None
        # Join the FTS table (one scan of its index) and rank with bm25; a correlated subquery per row would be
        # far slower on common words.
        qs = qs.extra(
            tables=[FTS],
            where=[f"{FTS}.rowid = {TABLE}.id", f"{FTS} MATCH %s"],
            params=[expr],
            select={"text_rank": f"bm25({FTS}, 10.0, 1.0)"},
        )
        return qs, Q(), "text_rank"
