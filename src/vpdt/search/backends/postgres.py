"""PostgreSQL: full-text search over ``to_tsvector('simple', vpdt_unaccent(lower(folded)))`` (GIN index),
trigram GIN indexes (pg_trgm) on the number key and the unaccented title; ranked with ts_rank on the subject.

``vpdt_unaccent`` is an IMMUTABLE wrapper of ``unaccent('public.unaccent', text)`` so it can be indexed;
the extensions and indexes are created by the search migrations when the database is PostgreSQL.
"""

from __future__ import annotations

from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from ..text import ParsedQuery
from .base import TABLE, Backend, boolean

VECTOR = f"to_tsvector('simple'::regconfig, vpdt_unaccent(lower({TABLE}.folded)))"
TITLE_VECTOR = f"to_tsvector('simple'::regconfig, vpdt_unaccent(lower({TABLE}.title)))"


def tsquery(parsed: ParsedQuery) -> str:
    """to_tsquery text: words ANDed (the last one as a prefix), phrases with <->. Tokens are \\w+ only."""
    parts = ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in parsed.phrases]
    for i, word in enumerate(parsed.words):
        parts.append(f"'{word}':*" if i == len(parsed.words) - 1 else f"'{word}'")
    return " & ".join(parts)


class PostgresBackend(Backend):
    """The index lives on the entry table itself: nothing to write beyond the row."""

    vendor = "postgresql"

    def index(self, entry) -> None:
        return None

    def remove(self, entry_ids) -> None:
        return None

    def rebuild(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX search_entry_fts")

    def text_filter(self, qs, parsed: ParsedQuery, *, ranked: bool):
        query = tsquery(parsed)
        predicate = Q(boolean(f"{VECTOR} @@ to_tsquery('simple'::regconfig, %s)", [query]))
        if not ranked:
            return qs, predicate, None
        # Rank on the subject's own vector (short, cheap to compute per matching row); the body's vector is
        # used for matching through the GIN index only.
        qs = qs.annotate(text_rank=RawSQL(f"-ts_rank({TITLE_VECTOR}, to_tsquery('simple'::regconfig, %s))", [query],
                                          output_field=FloatField()))
        return qs, predicate, "text_rank"
