"""Create the chain head, and on PostgreSQL forbid UPDATE and DELETE on journal rows."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION vpdt_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'vpdt: journal entries are append-only, refused ' || TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal_journalentry
    FOR EACH ROW EXECUTE FUNCTION vpdt_journal_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS journal_append_only ON journal_journalentry;
DROP FUNCTION IF EXISTS vpdt_journal_append_only();
"""


def create_head(apps, schema_editor):
    JournalHead = apps.get_model("journal", "JournalHead")
    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


def pg_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def pg_triggers_down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(pg_triggers, pg_triggers_down),
    ]
