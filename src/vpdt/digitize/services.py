"""The digitization pipeline: the requests.

* :func:`enqueue` creates the row and sends the Celery task ``run_ocr`` (queue "ocr") AFTER the surrounding
  transaction commits; :func:`vpdt.digitize.processing.process` does the work in the worker; :func:`retry`
  queues a finished one again.
* Every transition (queue → running → done/skipped/failed, retry) is journaled as ``digitize.*``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from vpdt.core.authz import manageable, visible
from vpdt.journal import services as journal
from vpdt.storage.models import StoredFile

from . import tasks, texts
from .models import Digitization, Status
from .processing import MACHINE, mark_queued, supported

S = Status


def enqueue(stored: StoredFile, *, owner=None, actor=None, owner_type: str = "") -> Digitization:
    """Create (or reuse) the file's digitization and send the task after commit. A file already digitized is
    not digitized again (use :func:`retry`), but its text goes to the documents now attaching it (a scan
    OCRed before it was registered)."""
    with transaction.atomic():
        item, created = Digitization.objects.get_or_create(
            file=stored,
            defaults={
                "owner_type": owner._meta.label_lower if owner is not None else owner_type,
                "owner_id": getattr(owner, "pk", None),
                "requested_by": actor,
                "queued_at": timezone.now(),
            },
        )
        if not created:
            if item.status in (S.DONE, S.SKIPPED) and item.text:
                texts.index(item)
            return item
        journal.record(
            "digitize.enqueue",
            actor=actor,
            obj=item,
            agency=stored.agency_id,
            details={
                "file": stored.pk,
                "name": stored.original_name,
                "owner": f"{item.owner_type}:{item.owner_id}" if item.owner_type else "",
            },
        )
        transaction.on_commit(lambda: tasks.send(item.pk))
    return item


def can_retry(user, item: Digitization) -> bool:
    return manageable(Digitization, user).filter(pk=item.pk).exists()


def retry(actor, item: Digitization) -> Digitization:
    """Số hóa lại: the clerks of the file's agency (and its administrators)."""
    if not can_retry(actor, item):
        raise PermissionDenied("Chỉ văn thư hoặc quản trị của cơ quan được số hóa lại tệp.")
    with transaction.atomic():
        item = Digitization.objects.select_for_update().get(pk=item.pk)
        item.progress, item.error, item.reason, item.message = 0, "", "", ""
        item.requested_by = actor
        MACHINE.apply(
            item, "retry", actor=actor, extra_fields=["progress", "error", "reason", "message", "requested_by"]
        )
        mark_queued(item)
        transaction.on_commit(lambda: tasks.send(item.pk))
    return item


def for_file(user, file_id: int) -> Digitization | None:
    """The digitization of a file ``user`` may see, else None."""
    return visible(Digitization, user).select_related("file", "archive").defer("layers").filter(file_id=file_id).first()


def archived(file_ids) -> set[int]:
    """Of ``file_ids`` (files the caller already may read), those with a searchable PDF copy: the viewer shows
    that copy for a scan the browser cannot show itself (a TIFF). One query."""
    ids = list(file_ids)
    if not ids:
        return set()
    return set(Digitization.objects.filter(file_id__in=ids, archive__isnull=False).values_list("file_id", flat=True))


def enqueue_attachments(actor, attachments) -> list[Digitization]:
    """Every attachment worth digitizing (rows with a ``file``, e.g. an incoming document's attachments, called
    inside the registration transaction)."""
    return [enqueue(att.file, owner=att, actor=actor) for att in attachments if supported(att.file)]


def enqueue_outgoing(actor, outgoing_file) -> Digitization | None:
    """A file added to an outgoing document (draft, issued original, appendix, signed copy): its text is
    extracted (born-digital and signed PDFs are never OCRed nor modified) or a scan OCRed, for search."""
    if not supported(outgoing_file.file):
        return None
    return enqueue(outgoing_file.file, owner=outgoing_file, actor=actor)
