"""PostgreSQL: refuse TRUNCATE of the journal too, as SQLite refuses emptying it with DELETE (migration 0003)."""

from django.db import migrations

PG_UP = """CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION vpdt_journal_append_only()"""
PG_DOWN = "DROP TRIGGER IF EXISTS journal_no_truncate ON journal_journalentry"


def pg_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def pg_trigger_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_keyed_chain")]

    operations = [migrations.RunPython(pg_trigger, pg_trigger_down)]
