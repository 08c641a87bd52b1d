"""Background verification of delivered PDFs, queued after the issuing transaction commits."""

import logging

from celery import shared_task
from django.db import transaction

from vpdt.storage.models import StoredFile

from . import receipt

log = logging.getLogger(__name__)


@shared_task(name="vpdt.signing.tasks_verify.verify_files")
def verify_files(file_ids: list[int]) -> int:
    """Verify the delivered files that have no result yet (the receive screen may have checked them first)."""
    files = list(StoredFile.objects.filter(pk__in=list(file_ids or [])))
    return len(receipt.ensure_verified(files))


def after_delivery(files) -> None:
    """On delivery (inside the issue transaction): verify the delivered PDFs in the background once committed.
    The screens verify any file still unchecked when they show it."""
    ids = [f.pk for f in receipt.pdfs(files)]
    if not ids:
        return

    def dispatch():
        try:
            verify_files.delay(ids)
        except Exception:  # broker unreachable: the receive screen verifies on display
            log.warning("Không gửi được việc kiểm tra chữ ký số vào hàng đợi (tệp %s)", ids, exc_info=True)

    transaction.on_commit(dispatch)
