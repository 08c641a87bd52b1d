"""The full-text engine objects, per database (RunPython checks the vendor, so the same migrations serve both):

* SQLite: an FTS5 table ``search_fts`` (rowid = entry id) over our own folded text,
  tokenised by ``unicode61 remove_diacritics 2``.
* PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, an IMMUTABLE ``vpdt_unaccent(text)`` wrapper (so it
  can be indexed), a GIN index on the tsvector of the folded text and GIN trigram indexes on the number key and
  the unaccented title.

The statements are written out here (not imported) so that this migration never changes after it has run.
"""

from django.db import migrations

SQL = {
    "sqlite": (
        ["CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, "
         "tokenize='unicode61 remove_diacritics 2')"],
        ["DROP TABLE IF EXISTS search_fts"],
    ),
    "postgresql": (
        ["CREATE EXTENSION IF NOT EXISTS unaccent",
         "CREATE EXTENSION IF NOT EXISTS pg_trgm",
         "CREATE OR REPLACE FUNCTION vpdt_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
         "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
         "CREATE INDEX IF NOT EXISTS search_entry_fts ON search_searchentry USING gin "
         "(to_tsvector('simple'::regconfig, vpdt_unaccent(lower(folded))))",
         "CREATE INDEX IF NOT EXISTS search_entry_number_trgm ON search_searchentry USING gin "
         "(number_key gin_trgm_ops)",
         "CREATE INDEX IF NOT EXISTS search_entry_title_trgm ON search_searchentry USING gin "
         "(vpdt_unaccent(lower(title)) gin_trgm_ops)"],
        ["DROP INDEX IF EXISTS search_entry_title_trgm",
         "DROP INDEX IF EXISTS search_entry_number_trgm",
         "DROP INDEX IF EXISTS search_entry_fts",
         "DROP FUNCTION IF EXISTS vpdt_unaccent(text)"],
    ),
}


def _run(which: int):
    def run(apps, schema_editor):
        statements = SQL.get(schema_editor.connection.vendor, ([], []))[which]
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(0), _run(1), elidable=False)]
