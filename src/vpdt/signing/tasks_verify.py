"""Background verification of delivered PDFs, queued after the issuing transaction commits."""

from celery import shared_task


@shared_task(name="vpdt.signing.tasks_verify.verify_files")
def verify_files(file_ids: list[int]) -> int:
    """Verify the delivered files that have no result yet (the receive screen may have checked them first)."""
    from vpdt.storage.models import StoredFile

    from . import receipt

    files = list(StoredFile.objects.filter(pk__in=list(file_ids or [])))
    return len(receipt.ensure_verified(files))
