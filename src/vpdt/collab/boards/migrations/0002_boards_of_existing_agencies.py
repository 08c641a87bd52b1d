from django.db import migrations

KINDS = ("public", "party", "union", "youth")


def create_boards(apps, schema_editor):
    Agency = apps.get_model("directory", "Agency")
    Board = apps.get_model("boards", "Board")
    have = set(Board.objects.values_list("agency_id", "kind"))
    Board.objects.bulk_create(
        [
            Board(agency_id=agency_id, kind=kind)
            for agency_id in Agency.objects.values_list("pk", flat=True)
            for kind in KINDS
            if (agency_id, kind) not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("boards", "0001_initial")]

    operations = [migrations.RunPython(create_boards, migrations.RunPython.noop)]
