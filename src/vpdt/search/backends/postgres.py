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
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

from ..text import ParsedQuery
from .base import TABLE, Backend, boolean

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


ROW_COST = 3  # reading and testing one row of an agency, in entries read from the text index
OBJECT_ROWS = 20_000  # entries a branch bounded by a person's or a unit's objects is taken to hold, at most
# Entries of one branch (an agency's) ranked at most: words held by most of an agency's documents ("tỉnh", "ủy ban")
# are ranked among the newest this many entries holding them (read newest first through the agency's date index),
# not among all (sixty thousand ts_rank calls for the busiest agency). A page can show 50 × 20 = 1,000 results.
RANKED_AT_MOST = 2_000


@dataclass
class Statistics:
    entries: float
    agencies: dict  # agency id -> share of the entries (the most common ones)
    other_agency: float  # share of any other agency
    lexemes: dict  # lexeme -> share of the entries holding it (the most common ones)
    rare: float  # at most the share of any other lexeme


STATISTICS_TTL = 300.0  # seconds a process keeps what it read of pg_stats (ANALYZE changes it rarely)
_statistics: dict[str, tuple[float, Statistics]] = {}


def statistics(connection) -> Statistics:
    """What ANALYZE knows of the entry table: its rows, the most common agencies and lexemes (pg_stats), read at
    most every :data:`STATISTICS_TTL` seconds per database."""
    name = str(connection.settings_dict.get("NAME"))
    cached = _statistics.get(name)
    if cached is None or time.monotonic() - cached[0] > STATISTICS_TTL:
        cached = _statistics[name] = (time.monotonic(), _read_statistics(connection))
    return cached[1]


def _read_statistics(connection) -> Statistics:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.reltuples, a.n_distinct, a.most_common_vals::text, a.most_common_freqs,
                   v.most_common_elems::text, v.most_common_elem_freqs
            FROM pg_class c
            LEFT JOIN pg_stats a ON a.schemaname = current_schema() AND a.tablename = c.relname
                AND a.attname = 'agency_id'
            LEFT JOIN pg_stats v ON v.schemaname = current_schema() AND v.tablename = c.relname AND v.attname = %s
            WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace
            """,
            [VECTOR, TABLE],
        )
        row = cursor.fetchone()
    if row is None:
        return Statistics(0, {}, 1.0, {}, 1.0)
    entries, distinct, values, freqs, elems, elem_freqs = row
    entries = max(entries or 0, 0)
    values = [int(v) for v in (values or "{}").strip("{}").split(",") if v]
    agencies = dict(zip(values, freqs or [], strict=False))
    if distinct is not None and distinct < 0:
        distinct = -distinct * entries
    others = max((distinct or 0) - len(agencies), 1)
    other_agency = max(1.0 - sum(agencies.values()), 0.0) / others
    elems = [e.strip('"') for e in (elems or "{}").strip("{}").split(",") if e]
    elem_freqs = list(elem_freqs or [])
    lexemes = dict(zip(elems, elem_freqs, strict=False))
    # ts_typanalyze appends the minimum, maximum and null share to the frequencies.
    rare = min(elem_freqs[: len(elems)]) if lexemes else 1.0
    return Statistics(entries, agencies, other_agency, lexemes, rare)


def agency_rows(agency: Q, stats: Statistics) -> float | None:
    """Estimated entries under an agency condition (``agency=…``, ``agency__in=[…]``); None when it is a subquery."""
    rows = None
    for name, value in agency.children:
        values = value if name.endswith("__in") else [value]
        if not isinstance(values, list | tuple | set):
            return None
        ids = [getattr(v, "pk", v) for v in values]
        if not all(isinstance(i, int) for i in ids):
            return None
        count = sum(stats.agencies.get(i, stats.other_agency) for i in ids) * stats.entries
        rows = count if rows is None else min(rows, count)
    return rows


def terms(parsed: ParsedQuery, stats: Statistics) -> list[tuple[float, str]]:
    """(share of the entries holding it, to_tsquery text) of every term of ``parsed``; the last word is a prefix,
    whose lexemes all count."""
    result = []
    words = [w for p in parsed.phrases for w in p] + parsed.words
    for i, word in enumerate(words):
        if i == len(words) - 1 and parsed.words and word == parsed.words[-1]:
            share, text = sum(f for lexeme, f in stats.lexemes.items() if lexeme.startswith(word)), f"'{word}':*"
        else:
            share, text = stats.lexemes.get(word, 0.0), f"'{word}'"
        result.append((min(max(share, 0.0), 1.0) or stats.rare, text))
    return result


def text_matches(parsed: ParsedQuery, stats: Statistics) -> float:
    """Estimated entries of the whole table the text index reads for ``parsed``: those of its rarest term (the
    index is asked for that term only, see :meth:`PostgresBackend.text_filter`)."""
    return min((share for share, _text in terms(parsed, stats)), default=0.0) * stats.entries


class PostgresBackend(Backend):
    """The index lives on the entry table itself (a generated column): nothing to write beyond the row."""

    vendor = "postgresql"
    ranks_branches = True

    def __init__(self, connection):
        super().__init__(connection)
        self._stats = None

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

    def scans(self, agency: Q | None, parsed: ParsedQuery) -> bool:
        """Through the agency's index when the text index would return several times more entries (of the whole
        table) than the agency has: testing a row costs about three times as much as one entry of the text index.
        Both counts are estimated from the planner's statistics (:func:`statistics`)."""
        if not (parsed.words or parsed.phrases):
            return False
        rows = OBJECT_ROWS if agency is None else agency_rows(agency, self.statistics())
        return rows is not None and rows * ROW_COST < text_matches(parsed, self.statistics())

    def ranked_at_most(self, agency: Q | None, parsed: ParsedQuery) -> int:
        """How many of the newest matching entries of a branch under ``agency`` are ranked (0: all of them): a
        cap where the statistics expect more than :data:`RANKED_AT_MOST` to match."""
        if agency is None or parsed.key or not (parsed.words or parsed.phrases):
            return 0
        rows = agency_rows(agency, self.statistics())
        if rows is None or not self.statistics().entries:
            return 0
        share = text_matches(parsed, self.statistics()) / self.statistics().entries
        return RANKED_AT_MOST if rows * share > RANKED_AT_MOST else 0

    def statistics(self) -> Statistics:
        if self._stats is None:
            self._stats = statistics(self.connection)
        return self._stats

    def text_filter(self, qs, parsed: ParsedQuery, *, ranked: bool, scan: bool = False):
        query = tsquery(parsed)
        # ts_match_vq is the function behind @@: the same test, but no index answers a function call.
        test = (
            "ts_match_vq({}, to_tsquery('simple'::regconfig, %s))"
            if scan
            else "{} @@ to_tsquery('simple'::regconfig, %s)"
        )
        predicate = Q(boolean(test.format(VECTOR), [query]))
        if not scan and len(parts := terms(parsed, self.statistics())) > 1:
            # The text index reads the posting lists of every term, a million entries for common words: it is
            # asked for the rarest term only, and each entry it returns is tested for the whole query.
            rarest = min(parts)[1]
            sql = (
                f"{VECTOR} @@ to_tsquery('simple'::regconfig, %s)"
                f" AND ts_match_vq({VECTOR}, to_tsquery('simple'::regconfig, %s))"
            )
            predicate = Q(boolean(sql, [rarest, query]))
        if not ranked:
            return qs, predicate, None
        qs = qs.annotate(
            text_rank=RawSQL(
                f"-ts_rank({VECTOR}, to_tsquery('simple'::regconfig, %s))", [query], output_field=FloatField()
            )
        )
        return qs, predicate, "text_rank"

    def query_branches(self, branches, parsed: ParsedQuery, *, limit: int, offset: int, exact: bool, fields):
        from ..models import SearchEntry

        if not branches:
            return [], 0
        query = tsquery(parsed)
        has_text = bool(parsed.words or parsed.phrases)
        if parsed.key:  # a number/symbol: its key exactly, then as a prefix, then the words; newest first
            rank = Case(
                When(number_key=parsed.key, then=Value(0)),
                When(number_key__startswith=parsed.key, then=Value(1)),
                default=Value(2),
                output_field=FloatField(),
            )
        elif has_text:
            rank = RawSQL(
                f"-ts_rank({VECTOR}, to_tsquery('simple'::regconfig, %s))", [query], output_field=FloatField()
            )
        else:  # pragma: no cover - a parsed query has a key or words
            rank = Value(0.0, output_field=FloatField())
        parts, newest_only = [], 0
        for agency, branch in branches:
            for term in parsed.raw_terms if exact else ():
                branch = branch.filter(exact_text__contains=term)
            part = branch.values(entry=F("pk"), day=F("doc_date"), rank=rank)
            if cap := self.ranked_at_most(agency, parsed):
                part, newest_only = part.order_by("-doc_date", "-id")[:cap], cap
            parts.append(part)
        sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT u.entry, u.rank, u.day FROM ({sql}) u "
                "ORDER BY u.rank, u.day DESC, u.entry DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        rows = SearchEntry.objects.only(*fields).in_bulk(ids)
        return [rows[i] for i in ids if i in rows], newest_only
