from django.db import migrations

from vpdt.catalog.data import DOCUMENT_TYPES


def seed(apps, schema_editor):
    DocumentType = apps.get_model("catalog", "DocumentType")
    for order, (name, abbr, qppl, copy) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.get_or_create(name=name, defaults={"abbreviation": abbr, "is_legal_normative": qppl,
                                                                "is_copy": copy, "order": order})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
