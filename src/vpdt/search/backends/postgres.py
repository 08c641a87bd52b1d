"""PostgreSQL: full-text search over the stored ``search_vector`` column (GIN index), trigram GIN indexes
(pg_trgm) on the number key and the unaccented title; ranked with ts_rank (subject words weigh most).

``search_vector`` is a generated column (migration 0003): ``setweight(to_tsvector('simple',
vpdt_unaccent(lower(title))), 'A') || to_tsvector('simple', vpdt_unaccent(lower(folded)))``, written by the
database with the row, so neither matching, phrase rechecks nor ranking recompute a vector. ``vpdt_unaccent`` is
an IMMUTABLE wrapper of ``unaccent('public.unaccent', text)``; the extensions, the column and the indexes are
created by the search migrations when the database is PostgreSQL.
"""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from ..text import ParsedQuery
from .base import Backend, boolean

# Unqualified: the same condition stands in the main query and in the subqueries of the visibility branches
# (where the entry table has another alias); no other table of these queries has the column.
VECTOR = "search_vector"
# For the search query only: enough memory to hash a visibility subquery of a million candidate ids (otherwise
# PostgreSQL rescans it for every entry: minutes instead of a second), and no JIT compilation (tens of ms per
# query for a plan that runs in milliseconds).
SESSION = ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off"]


def tsquery(parsed: ParsedQuery) -> str:
    """to_tsquery text: words ANDed (the last one as a prefix), phrases with <->. Tokens are \\w+ only."""
    parts = ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in parsed.phrases]
    for i, word in enumerate(parsed.words):
        parts.append(f"'{word}':*" if i == len(parsed.words) - 1 else f"'{word}'")
    return " & ".join(parts)


class PostgresBackend(Backend):
    """The index lives on the entry table itself (a generated column): nothing to write beyond the row."""

    vendor = "postgresql"

    def index(self, entry) -> None:
        return None

    def remove(self, entry_ids) -> None:
        return None

    @contextlib.contextmanager
    def tuned(self):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                for sql in SESSION:
                    cursor.execute(sql)
            yield

    def rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX search_entry_vector")

    def text_filter(self, qs, parsed: ParsedQuery, *, ranked: bool):
        query = tsquery(parsed)
        predicate = Q(boolean(f"{VECTOR} @@ to_tsquery('simple'::regconfig, %s)", [query]))
        if not ranked:
            return qs, predicate, None
        qs = qs.annotate(
            text_rank=RawSQL(
                f"-ts_rank({VECTOR}, to_tsquery('simple'::regconfig, %s))", [query], output_field=FloatField()
            )
        )
        return qs, predicate, "text_rank"
