from django.db import migrations

from vpdt.catalog.data import seed_document_types


def seed(apps, schema_editor):
    seed_document_types(apps.get_model("catalog", "DocumentType"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
