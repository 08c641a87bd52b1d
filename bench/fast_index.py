"""Search entries of bulk-generated documents written by SQL (PostgreSQL), for the benchmark database only.

``search.services.reindex`` builds each entry in Python (about 500 entries a second on this machine: more than an
hour for 2,800,000 entries of 1,000,000 incoming and 1,000,000 outgoing documents). Here one INSERT … SELECT per
slice of ids writes the same columns: the folded text and the number key are made by ``vpdt_unaccent`` and a
regular expression instead of :func:`vpdt.search.text.index_form` (the same result for the generated texts:
lower case, no diacritics, đ → d, tokens separated by one space). Recipients are listed by their stored names.
Slices go in id order and a fill resumes after the last entry of each kind; whatever is missing afterwards
(dossiers, documents created later…) goes through ``reindex``.
"""

from __future__ import annotations

from django.db import connection
from tqdm import tqdm

from vpdt.incoming.models import DocStatus
from vpdt.outgoing.models import OutStatus

STEP = 50_000


def _fold(expr: str, sep: str = " ") -> str:
    return f"btrim(regexp_replace(vpdt_unaccent(lower({expr})), '[^[:alnum:]]+', '{sep}', 'g'))"


def _key(expr: str) -> str:
    return f"regexp_replace(vpdt_unaccent(lower({expr})), '[^[:alnum:]]+', '', 'g')"


def _label(choices) -> str:
    whens = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in choices)
    return f"CASE d.status {whens} ELSE d.status END"


def _lines(*parts: str) -> str:
    return "concat_ws(E'\\n', " + ", ".join(f"NULLIF(btrim({p}), '')" for p in parts) + ")"


INCOMING_NUMBER = (
    "CASE WHEN d.code_number <> '' AND d.code_notation <> '' THEN d.code_number || '/' || d.code_notation "
    "WHEN d.code_number <> '' THEN d.code_number ELSE d.code_notation END"
)
OUTGOING_NUMBER = "CASE WHEN d.code_number <> '' THEN d.code_number || '/' || d.code_notation ELSE '' END"

INCOMING = f"""
SELECT 'incoming', d.id, d.agency_id, d.doc_type_id, {INCOMING_NUMBER}, {_key(INCOMING_NUMBER)}, d.subject,
       d.issuer_name, vpdt_unaccent(lower(d.issuer_name || ' ' || d.issuer_code)), d.issued_date, d.urgency, d.status,
       {_label(DocStatus.choices)},
       {
    _lines(
        "d.subject",
        INCOMING_NUMBER,
        "d.issuer_name",
        "d.issuer_code",
        "d.signer_position",
        "d.signer_name",
        "d.to_places",
        "d.description",
        "d.direction",
    )
} AS body
FROM incoming_incomingdocument d
WHERE d.id BETWEEN %s AND %s
"""


def _outgoing(kind: str) -> str:
    draft = "v.text" if kind == "outgoing" else "''"
    published = "AND d.status IN ('issued', 'recalled')" if kind == "published" else ""
    return f"""
SELECT '{kind}', d.id, d.agency_id, d.doc_type_id, {OUTGOING_NUMBER}, {_key(OUTGOING_NUMBER)}, d.subject,
       a.name, vpdt_unaccent(lower(a.name || ' ' || a.code || ' ' || a.short_name)),
       COALESCE(d.issued_date, (d.created_at AT TIME ZONE current_setting('TIMEZONE'))::date), d.urgency, d.status,
       {_label(OutStatus.choices)},
       {
        _lines(
            "d.subject",
            OUTGOING_NUMBER,
            "a.name",
            "d.signer_position",
            "COALESCE(u.full_name, '')",
            "d.to_places",
            "COALESCE(r.names, '')",
            "d.description",
            f"COALESCE({draft}, '')",
        )
    } AS body
FROM outgoing_outgoingdocument d
JOIN directory_agency a ON a.id = d.agency_id
LEFT JOIN accounts_user u ON u.id = d.signer_id
LEFT JOIN LATERAL (SELECT text FROM outgoing_version WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  ON true
LEFT JOIN LATERAL (SELECT string_agg(name, '; ' ORDER BY id) AS names FROM outgoing_recipient
                   WHERE document_id = d.id AND name <> '') r ON true
WHERE d.id BETWEEN %s AND %s {published}
"""


INSERT = """
INSERT INTO search_searchentry (kind, object_id, agency_id, doc_type_id, number, number_key, title, issuer,
    issuer_key, doc_date, urgency, status, status_label, body, folded, exact_text, extra_text, indexed_at)
SELECT s.*, {folded}, lower(normalize(s.body, NFC)), '', now() FROM ({select}) s
"""


def _gin_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchentry' AND indexdef LIKE '%%USING gin%%'"
        )
        return cursor.fetchall()


def fill() -> int:
    """Write the missing entries of incoming and outgoing documents; returns how many were written. Into an empty
    table the full-text indexes (GIN) are dropped first and built again at the end: one build is much faster than
    2,800,000 insertions into them."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM search_searchentry)")
        empty = not cursor.fetchone()[0]
    rebuild = _gin_indexes() if empty else []
    with connection.cursor() as cursor:
        for name, _definition in rebuild:
            cursor.execute(f"DROP INDEX {name}")
    try:
        return _fill()
    finally:
        with connection.cursor() as cursor:
            for name, definition in rebuild:
                print(f"Dựng lại chỉ mục {name}…")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(definition)


def _fill() -> int:
    written = 0
    for kind, table, select in (
        ("incoming", "incoming_incomingdocument", INCOMING),
        ("outgoing", "outgoing_outgoingdocument", _outgoing("outgoing")),
        ("published", "outgoing_outgoingdocument", _outgoing("published")),
    ):
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            cursor.execute(f"SELECT min(id), max(id) FROM {table}")
            low, high = cursor.fetchone()
            # Slices are written in id order: go on after the last entry written (an interrupted fill resumes).
            cursor.execute("SELECT max(object_id) FROM search_searchentry WHERE kind = %s", [kind])
            done = cursor.fetchone()[0]
            low = max(low or 0, (done or 0) + 1)
            if high is None or low > high:
                continue
            sql = INSERT.format(folded=_fold("s.body"), select=select)
            with tqdm(total=high - low + 1, desc=f"Chỉ mục tìm kiếm ({kind}, SQL)", unit="vb") as bar:
                for start in range(low, high + 1, STEP):
                    cursor.execute(sql, [start, start + STEP - 1])
                    written += cursor.rowcount
                    bar.update(min(STEP, high + 1 - start))
            cursor.execute("ANALYZE search_searchentry")
    return written
