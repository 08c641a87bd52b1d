"""Which files of an issued document belong to the issued document itself (not to its drafting record).

The data step marks, for documents already issued or recalled, the files that travelled to the recipients. The
rule is frozen here as it stood when the flag was introduced (see ``vpdt.outgoing.signatures.travelling``)."""

from django.conf import settings
from django.db import migrations, models

SIGNED_FOLDER = "outgoing-signed/"


def _is_pdf(stored) -> bool:
    return stored.content_type == "application/pdf" or stored.original_name.lower().endswith(".pdf")


def _travelling(rows):
    finals = [r for r in rows if r.kind in ("final", "appendix")]
    sealed_final = any(r.kind == "final" and r.file.name.startswith(SIGNED_FOLDER) for r in finals)
    sealed_appendix = any(r.kind == "appendix" and r.file.name.startswith(SIGNED_FOLDER) for r in finals)
    kept = [r for r in finals
            if not (r.kind == "final" and sealed_final and not r.file.name.startswith(SIGNED_FOLDER))
            and not (r.kind == "appendix" and sealed_appendix and not r.file.name.startswith(SIGNED_FOLDER)
                     and _is_pdf(r.file))]
    if kept:
        return kept
    versioned = [r for r in rows if r.kind not in ("final", "appendix")]
    signed = [r for r in versioned if r.kind == "signed"]
    if not signed:
        return versioned
    replaced = next((r for r in versioned if r.kind == "draft" and _is_pdf(r.file)), None)
    return [r for r in versioned if r is not replaced and (r.kind != "signed" or r is signed[-1])]


def mark_published(apps, schema_editor):
    OutgoingDocument = apps.get_model("outgoing", "OutgoingDocument")
    OutgoingFile = apps.get_model("outgoing", "OutgoingFile")
    for document in OutgoingDocument.objects.filter(status__in=["issued", "recalled"]).iterator():
        latest = document.versions.order_by("-number").values_list("pk", flat=True).first()
        rows = list(OutgoingFile.objects.filter(document=document).filter(
            models.Q(kind__in=["final", "appendix"]) | models.Q(version_id=latest)).exclude(kind="related")
            .select_related("file").order_by("id"))
        ids = [r.pk for r in _travelling(rows)]
        OutgoingFile.objects.filter(pk__in=ids).update(published=True)


class Migration(migrations.Migration):

    dependencies = [
        ('outgoing', '0002_signed_file_kind'),
        ('storage', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingfile',
            name='published',
            field=models.BooleanField(default=False, verbose_name='thuộc văn bản phát hành'),
        ),
        migrations.AddIndex(
            model_name='outgoingfile',
            index=models.Index(fields=['document', 'published'], name='outgoing_ou_documen_9e0c8a_idx'),
        ),
        migrations.RunPython(mark_published, migrations.RunPython.noop),
    ]
