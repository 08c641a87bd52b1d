"""Notifications moved to their own app: every row is copied, with its id, times and read state, to
notifications.Notification, then the incoming table goes. The same operations on SQLite and PostgreSQL (whose id
sequence is moved past the copied ids). Reversible: going back moves the rows home again."""

from django.core.management.color import no_style
from django.db import migrations

BATCH = 2000
FIELDS = ("id", "user_id", "text", "url", "created_at", "read_at")


def _copy(source, target, schema_editor):
    alias = schema_editor.connection.alias
    rows = source.objects.using(alias).order_by("pk").values(*FIELDS)
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(target(**row))
        if len(batch) == BATCH:
            target.objects.using(alias).bulk_create(batch)
            batch = []
    target.objects.using(alias).bulk_create(batch)
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _copy(apps.get_model("incoming", "Notification"), apps.get_model("notifications", "Notification"),
          schema_editor)


def backwards(apps, schema_editor):
    moved = apps.get_model("notifications", "Notification")
    _copy(moved, apps.get_model("incoming", "Notification"), schema_editor)
    moved.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("incoming", "0004_replyrecord_outgoing_alter_incomingdocument_status"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
