"""Seal the journal under a key kept outside the database, and forbid UPDATE and DELETE on SQLite too.

1. ``key_id`` on every entry (which key sealed it, so older entries verify after a key rotation).
2. Entries written before the key (SHA-256 chain) are checked and sealed again under the current key, once; a
   ``journal.reseal`` entry records how many, what the old chain check found and the old head.
3. On SQLite, triggers equal to PostgreSQL's ``journal_append_only`` (migration 0002). SQLite has no
   ``ALTER TABLE … DISABLE TRIGGER``: the owner disables them by inserting a row into ``journal_trigger_off``, a
   table outside Django's models (so ``flush`` leaves it alone). A later migration that rebuilds the journal table
   on SQLite drops its triggers: create them again there (otherwise
   ``test_direct_sql_update_and_delete_are_refused_by_the_trigger`` fails).
"""

from django.db import migrations, models

SQLITE_UP = [
    "CREATE TABLE IF NOT EXISTS journal_trigger_off (reason TEXT NOT NULL)",
    *(f"""CREATE TRIGGER journal_append_only_{op.lower()} BEFORE {op} ON journal_journalentry
          WHEN NOT EXISTS (SELECT 1 FROM journal_trigger_off)
          BEGIN SELECT RAISE(ABORT, 'vpdt: journal entries are append-only, refused {op}'); END"""
      for op in ("UPDATE", "DELETE")),
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS journal_append_only_update",
    "DROP TRIGGER IF EXISTS journal_append_only_delete",
    "DROP TABLE IF EXISTS journal_trigger_off",
]


def reseal(apps, schema_editor):
    from vpdt.journal.chain import reseal as reseal_chain

    entry_model = apps.get_model("journal", "JournalEntry")
    if not entry_model.objects.exists():
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the SQLite triggers are created below, after the reseal
        schema_editor.execute("ALTER TABLE journal_journalentry DISABLE TRIGGER journal_append_only")
    details = reseal_chain(entry_model, apps.get_model("journal", "JournalHead"))
    if postgres:
        schema_editor.execute("ALTER TABLE journal_journalentry ENABLE TRIGGER journal_append_only")
    found = len(details["legacy_problems"])
    verdict = "toàn vẹn" if details["legacy_ok"] else f"{found} vấn đề (ghi trong mục journal.reseal)"
    print(f"\n  Nhật ký: {details['entries']} mục được niêm phong lại bằng khóa {details['key_id']}; "
          f"chuỗi cũ: {verdict}.")


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def sqlite_triggers_down(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_head_and_append_only")]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="khóa niêm phong"),
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
        migrations.RunPython(sqlite_triggers, sqlite_triggers_down),
    ]
