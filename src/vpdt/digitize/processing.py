"""The work of one queued digitization, done by the Celery worker (:func:`process`).

* Signed PDFs are never modified: their text is extracted, nothing else. Born-digital PDFs are not re-OCRed.
  Scans (images, image-only PDFs) are read first (:func:`vpdt.digitize.reading.read`: Tesseract on the pages,
  coloured ink dropped), so the text — and the prefilled registration form — is there as soon as possible; the
  searchable PDF/A archive copy, stored beside the original (kept unchanged), is then built in the background
  from the layouts read (:mod:`vpdt.digitize.archive`). DOCX/ODT get a PDF for viewing when LibreOffice is
  installed.
* The text goes to the search entries of every document that attaches the file (:mod:`vpdt.digitize.texts`).
* Every transition (queue → running → done/skipped/failed, retry) is journaled as ``digitize.*``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from vpdt.core.fsm import Machine, Transition
from vpdt.storage import services as storage
from vpdt.storage.models import StoredFile

from . import archive, engine, reading, texts
from .models import ArchiveStatus, Digitization, Method, Status

log = logging.getLogger(__name__)
S = Status

MACHINE = Machine(
    "status",
    [
        Transition("start", {S.QUEUED}, S.RUNNING, "Bắt đầu số hóa"),
        Transition("done", {S.RUNNING}, S.DONE, "Hoàn tất số hóa"),
        Transition("skip", {S.RUNNING}, S.SKIPPED, "Bỏ qua nhận dạng chữ"),
        Transition("fail", {S.QUEUED, S.RUNNING}, S.FAILED, "Ghi nhận số hóa lỗi"),
        Transition(
            "retry",
            {S.DONE, S.SKIPPED, S.FAILED, S.QUEUED, S.RUNNING},
            S.QUEUED,
            "Số hóa lại",
            guard=lambda item, **_: still_working(item),
        ),
    ],
    action_prefix="digitize",
    choices=Status,
)

STALE = timedelta(minutes=30)  # a job queued or running longer than this is presumed lost (worker stopped)
MAX_ATTEMPTS = 3  # a file that keeps killing the worker (memory, time limit) ends failed after this many runs
GAVE_UP = (
    "Số hóa không hoàn tất sau {n} lần chạy (bộ xử lý bị dừng giữa chừng). Hãy thử “Số hóa lại” hoặc báo "
    "cán bộ CNTT kiểm tra máy chủ nhận dạng chữ."
)


def still_working(item) -> str | None:
    if item.status not in (S.QUEUED, S.RUNNING):
        return None
    since = item.started_at if item.status == S.RUNNING and item.started_at else (item.queued_at or item.created_at)
    if since and timezone.now() - since > STALE:
        return None
    return "Tệp đang trong hàng đợi hoặc đang được số hóa; chỉ số hóa lại khi đã xong hoặc quá 30 phút chưa xong."


def mark_queued(item: Digitization) -> None:
    """After the retry transition (whose guard reads the previous queueing time): queued again now."""
    item.queued_at = timezone.now()
    Digitization.objects.filter(pk=item.pk).update(queued_at=item.queued_at)


SIGNED_REASON = "PDF có chữ ký số: không sửa, chỉ trích chữ"

TEXT_REASON = "PDF đã có lớp chữ"

SUPPORTED = ("pdf", "image", "docx", "odt")


def supported(stored: StoredFile) -> bool:
    """Worth digitizing, judged from the declared type and name (the worker sniffs the content again)."""
    return engine.kind_of(b"", stored.original_name, stored.content_type) in SUPPORTED


def _progress(item: Digitization, value: int) -> None:
    if value == item.progress:
        return
    item.progress = value
    Digitization.objects.filter(pk=item.pk).update(progress=value)


def _finish(item: Digitization, name: str, **values) -> Digitization:
    colour = values.pop("colour", False)  # journaled, not stored
    for key, value in values.items():
        setattr(item, key, value)
    item.finished_at = timezone.now()
    item.progress = 100 if name != "fail" else item.progress
    fields = ["finished_at", "progress", *values]
    details = {k: v for k, v in values.items() if k in ("method", "reason", "error", "pages", "pdfa")}
    if colour:
        details["colour"] = True
    if "archive" in values and values["archive"] is not None:
        details["archive"] = values["archive"].pk
    with transaction.atomic():
        current = Digitization.objects.select_for_update().filter(pk=item.pk).values("status", "attempts").first()
        if current != {"status": S.RUNNING, "attempts": item.attempts}:
            return Digitization.objects.filter(pk=item.pk).first()  # retried meanwhile: a newer run owns it
        MACHINE.apply(item, name, actor=None, extra_fields=fields, details={"file": item.file_id, **details})
        if name != "fail" and item.text:
            texts.index(item)
    return item


def process(digitization_id: int) -> Digitization | None:
    """Do the work of one queued digitization (the Celery task). Never raises for a bad file: the row ends
    failed with a Vietnamese message."""
    with transaction.atomic():
        item = (
            Digitization.objects.select_for_update(of=("self",))
            .select_related("file", "file__agency")
            .filter(pk=digitization_id)
            .first()
        )
        if item is None or item.status != S.QUEUED:
            return item  # gone, or another worker has it
        item.started_at, item.finished_at, item.progress = timezone.now(), None, 5
        item.attempts += 1
        if item.archiving:  # a build of the previous reading is no longer wanted
            item.archive_status = ArchiveStatus.NONE
        MACHINE.apply(
            item,
            "start",
            extra_fields=["started_at", "finished_at", "progress", "attempts", "archive_status"],
            details={"file": item.file_id},
        )
    try:
        return _work(item)
    except engine.EngineError as exc:
        return _finish(item, "fail", error=exc.message[:500], message=exc.detail[:500])
    except Exception as exc:  # anything unexpected still ends as a clear, journaled failure
        log.exception("Số hóa tệp %s thất bại", item.file_id)
        return _finish(
            item,
            "fail",
            error="Số hóa không thành công do lỗi hệ thống; hãy thử “Số hóa lại”.",
            message=f"{type(exc).__name__}: {exc}"[:500],
        )


def _work(item: Digitization) -> Digitization:
    try:
        data = storage.read_stored(item.file)
    except OSError as exc:
        raise engine.EngineError("Tệp gốc không còn trong kho lưu trữ.", str(exc)) from exc
    kind = engine.kind_of(data, item.file.original_name, item.file.content_type)
    if kind not in SUPPORTED:
        raise engine.EngineError(engine.UNSUPPORTED)
    _progress(item, 10)
    if kind in ("docx", "odt"):
        return _convert(item, data, kind)
    if kind == "pdf":
        if engine.is_signed(data):
            texts = engine.page_texts(data)
            return _finish(
                item, "skip", method=Method.TEXT, reason=SIGNED_REASON, pages=len(texts), text="\n".join(texts).strip()
            )
        texts = engine.page_texts(data)  # raises for a damaged PDF
        if engine.has_text_layer(texts):
            return _finish(
                item, "skip", method=Method.TEXT, reason=TEXT_REASON, pages=len(texts), text="\n".join(texts).strip()
            )
    engine.require_vietnamese()  # fail fast, before the heavy work
    _progress(item, 20)
    read = reading.read(
        data, kind, progress=lambda share: _progress(item, 20 + int(65 * share)), texts=texts if kind == "pdf" else None
    )
    _progress(item, 90)
    return _finish(
        item,
        "done",
        method=Method.OCR,
        pages=read.pages,
        text=read.text,
        doubts=read.doubts,
        message=read.message[:500],
        colour=read.colour,
        archive_status=ArchiveStatus.QUEUED,
        archive_error="",
        archive_queued_at=timezone.now(),
        layers=archive.pack(read.layers),
    )


def _convert(item: Digitization, data: bytes, kind: str) -> Digitization:
    try:
        pdf = engine.convert_to_pdf(data, kind)
    except engine.Unavailable as exc:  # not the file's fault: say so, the file itself is fine
        return _finish(item, "skip", method=Method.CONVERT, reason=exc.message[:300])
    _progress(item, 80)
    texts = engine.page_texts(pdf)
    converted = archive.store_archive(item, pdf, "")
    return _finish(
        item,
        "done",
        method=Method.CONVERT,
        archive=converted,
        pages=len(texts),
        text="\n".join(texts).strip(),
        message="LibreOffice (chuyển sang PDF để xem)",
    )
