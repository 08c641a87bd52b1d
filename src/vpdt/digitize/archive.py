"""The searchable PDF/A archive copy of a scan, built in the background once its text is read (Celery task
``build_archive`` on the "ocr" queue): ocrmypdf on a copy of the original, with the page layouts already read
(:mod:`vpdt.digitize.ocr_reuse`), so no page is OCRed twice. The clerk has the text and the prefilled form before;
the status fragment shows "Đang tạo bản PDF/A lưu trữ" until the copy is stored beside the original.

Journaled as ``digitize.archive`` (built) and ``digitize.archive_fail``; a build lost by a stopped worker is sent
again by ``requeue_stale``, then given up after ``MAX_ATTEMPTS``."""

from __future__ import annotations

import io
import json
import logging
import zlib

from django.db import transaction

from vpdt.journal import services as journal
from vpdt.storage import services as storage

from . import engine
from .models import ArchiveStatus, Digitization, Status

log = logging.getLogger(__name__)
A = ArchiveStatus
SUFFIX = " (ban so hoa)"
FAILED = "Chưa tạo được bản PDF/A lưu trữ; văn bản đã đọc vẫn dùng được. Hãy thử “Số hóa lại”."


def pack(layers: list[str]) -> bytes:
    return zlib.compress(json.dumps(layers, ensure_ascii=False).encode("utf-8"), 6)


def unpack(blob) -> list[str] | None:
    if not blob:
        return None
    try:
        layers = json.loads(zlib.decompress(bytes(blob)).decode("utf-8"))
    except (zlib.error, ValueError, UnicodeDecodeError):
        return None
    return layers if isinstance(layers, list) and all(isinstance(x, str) for x in layers) else None


def store_archive(item: Digitization, pdf: bytes, suffix: str):
    """The PDF beside the original (a new stored file; the original is never touched)."""
    stem = item.file.original_name.rsplit(".", 1)[0] or "tep"
    return storage.store(
        io.BytesIO(pdf),
        f"{stem}{suffix}.pdf",
        folder="digitize",
        content_type="application/pdf",
        agency=item.file.agency,
        actor=None,
    )


def build(digitization_id: int) -> Digitization | None:
    """Build and store the archive copy of a digitization whose text is read. Never raises for a bad file: the
    archive status ends failed with a Vietnamese message (the text stays)."""
    with transaction.atomic():
        item = (
            Digitization.objects.select_for_update(of=("self",))
            .select_related("file", "file__agency")
            .filter(pk=digitization_id)
            .first()
        )
        if item is None or item.status != Status.DONE or item.archive_status != A.QUEUED:
            return item  # gone, read again meanwhile, or another worker has it
        item.archive_status, item.archive_attempts = A.RUNNING, item.archive_attempts + 1
        item.save(update_fields=["archive_status", "archive_attempts"])
    run = (item.attempts, item.archive_attempts)
    try:
        data = storage.read_stored(item.file)
        kind = engine.kind_of(data, item.file.original_name, item.file.content_type)
        result = engine.ocr(data, kind, layers=unpack(item.layers))
    except OSError as exc:
        return _end(item, run, error="Tệp gốc không còn trong kho lưu trữ.", detail=str(exc))
    except engine.EngineError as exc:
        return _end(item, run, error=exc.message, detail=exc.detail)
    except Exception as exc:  # anything unexpected still ends as a clear, journaled failure
        log.exception("Tạo bản PDF/A của tệp %s thất bại", item.file_id)
        return _end(item, run, error=FAILED, detail=f"{type(exc).__name__}: {exc}")
    copy = store_archive(item, result.pdf, SUFFIX)
    return _end(item, run, copy=copy, pdfa=result.pdfa, message=result.message)


def _end(item, run, *, copy=None, pdfa=False, message="", error="", detail=""):
    with transaction.atomic():
        current = Digitization.objects.select_for_update().filter(pk=item.pk).first()
        if (
            current is None
            or (current.attempts, current.archive_attempts) != run
            or current.archive_status != A.RUNNING
        ):
            return current  # read again meanwhile: a newer run owns the row
        if copy is not None:
            current.archive, current.pdfa, current.archive_status, current.archive_error = copy, pdfa, A.DONE, ""
            current.message = f"{current.message}; {message}"[:500] if current.message else message[:500]
            current.layers = None
            current.save(update_fields=["archive", "pdfa", "archive_status", "archive_error", "message", "layers"])
            journal.record(
                "digitize.archive",
                obj=current,
                agency=current.agency_id,
                details={"file": current.file_id, "archive": copy.pk, "pdfa": pdfa},
            )
        else:
            current.archive_status, current.archive_error = A.FAILED, error[:500]
            current.save(update_fields=["archive_status", "archive_error"])
            journal.record(
                "digitize.archive_fail",
                obj=current,
                agency=current.agency_id,
                details={"file": current.file_id, "error": error[:300], "detail": detail[:300]},
            )
    return current


def requeue_stale(now, cutoff, max_attempts, send) -> int:
    """Archive builds queued or running since before ``cutoff`` (a stopped worker): sent again, or failed after
    ``max_attempts``. Returns how many were sent again."""
    sent = 0
    stale = Digitization.objects.filter(
        archive_status__in=(A.QUEUED, A.RUNNING), archive_queued_at__lt=cutoff, status=Status.DONE
    )
    for pk in stale.order_by("id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            item = Digitization.objects.select_for_update().filter(pk=pk, archive_queued_at__lt=cutoff).first()
            if item is None or item.archive_status not in (A.QUEUED, A.RUNNING):
                continue
            if item.archive_attempts >= max_attempts:
                item.archive_status = A.FAILED
                item.archive_error = f"Không tạo được bản PDF/A sau {item.archive_attempts} lần (bộ xử lý bị dừng)."
                item.save(update_fields=["archive_status", "archive_error"])
                journal.record(
                    "digitize.archive_fail",
                    obj=item,
                    agency=item.agency_id,
                    details={"file": item.file_id, "error": item.archive_error, "stale": True},
                )
                continue
            item.archive_status, item.archive_queued_at = A.QUEUED, now
            item.save(update_fields=["archive_status", "archive_queued_at"])
            transaction.on_commit(lambda i=item.pk: send(i))
            sent += 1
    return sent
