"""The full-text engine objects, per database: an FTS5 table on SQLite; extensions, the IMMUTABLE
unaccent wrapper and GIN (tsvector and trigram) indexes on PostgreSQL. Other databases get none."""

from django.db import migrations


def _run(statements_for):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = statements_for(vendor)
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return run


def _create(vendor):
    if vendor == "sqlite":
        from vpdt.search.backends.sqlite import CREATE_SQL
        return CREATE_SQL
    if vendor == "postgresql":
        from vpdt.search.backends.postgres import CREATE_SQL
        return CREATE_SQL
    return []


def _drop(vendor):
    if vendor == "sqlite":
        from vpdt.search.backends.sqlite import DROP_SQL
        return DROP_SQL
    if vendor == "postgresql":
        from vpdt.search.backends.postgres import DROP_SQL
        return DROP_SQL
    return []


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(_create), _run(_drop), elidable=False)]
