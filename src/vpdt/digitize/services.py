"""The digitization pipeline (issue 6, point 1).

* :func:`enqueue` creates the row and sends the Celery task ``run_ocr`` (queue "ocr") AFTER the surrounding
  transaction commits; :func:`process` does the work in the worker; :func:`retry` queues a finished one again.
* Signed PDFs are never modified: their text is extracted, nothing else. Born-digital PDFs are not re-OCRed.
  Scans (images, image-only PDFs) are OCRed on a copy into a searchable PDF/A archive copy stored beside the
  original, which is kept unchanged. DOCX/ODT get a PDF for viewing when LibreOffice is installed.
* The text goes to the search index of every incoming document that attaches the file.
* Every transition (queue → running → done/skipped/failed, retry) is journaled as ``digitize.*``.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vpdt.core.authz import manageable
from vpdt.core.fsm import Machine, Transition
from vpdt.journal import services as journal
from vpdt.storage import services as storage
from vpdt.storage.models import StoredFile

from . import engine
from .models import Digitization, Method, Status

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
            guard=lambda item, **_: _still_working(item),
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


def _still_working(item) -> str | None:
    if item.status not in (S.QUEUED, S.RUNNING):
        return None
    since = item.started_at if item.status == S.RUNNING and item.started_at else (item.queued_at or item.created_at)
    if since and timezone.now() - since > STALE:
        return None
    return "Tệp đang trong hàng đợi hoặc đang được số hóa; chỉ số hóa lại khi đã xong hoặc quá 30 phút chưa xong."


SIGNED_REASON = "PDF có chữ ký số: không sửa, chỉ trích chữ"
TEXT_REASON = "PDF đã có lớp chữ"
SUPPORTED = ("pdf", "image", "docx", "odt")


def supported(stored: StoredFile) -> bool:
    """Worth digitizing, judged from the declared type and name (the worker sniffs the content again)."""
    return engine.kind_of(b"", stored.original_name, stored.content_type) in SUPPORTED


def _send(digitization_id: int) -> None:
    from .tasks import run_ocr

    try:
        run_ocr.delay(digitization_id)
    except Exception:  # broker down: the row stays "queued"; "Số hóa lại" or the API retry sends it again
        log.exception("Không gửi được việc số hóa %s vào hàng đợi", digitization_id)


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
                _index(item)
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
        transaction.on_commit(lambda: _send(item.pk))
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
        _mark_queued(item)
        transaction.on_commit(lambda: _send(item.pk))
    return item


def _mark_queued(item: Digitization) -> None:
    """After the retry transition (whose guard reads the previous queueing time): queued again now."""
    item.queued_at = timezone.now()
    Digitization.objects.filter(pk=item.pk).update(queued_at=item.queued_at)


def requeue_stale(now=None) -> int:
    """The periodic job: digitizations queued or running for longer than :data:`STALE` were lost by a stopped
    worker or broker. They are sent again (journaled as a retry by the system), or end failed with a clear
    message after :data:`MAX_ATTEMPTS` runs. Returns how many were sent again."""
    now = now or timezone.now()
    cutoff = now - STALE
    stale = Digitization.objects.filter(
        Q(status=S.QUEUED) & (Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff))
        | Q(status=S.RUNNING, started_at__lt=cutoff)
    )
    sent = 0
    for pk in stale.order_by("id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            item = Digitization.objects.select_for_update().select_related("file").filter(pk=pk).first()
            if item is None or item.status not in (S.QUEUED, S.RUNNING) or _still_working(item):
                continue
            if item.attempts >= MAX_ATTEMPTS:
                item.error, item.finished_at = GAVE_UP.format(n=item.attempts), now
                MACHINE.apply(
                    item,
                    "fail",
                    actor=None,
                    extra_fields=["error", "finished_at"],
                    details={"file": item.file_id, "attempts": item.attempts, "stale": True},
                )
                continue
            item.progress, item.error, item.reason, item.message = 0, "", "", ""
            MACHINE.apply(
                item,
                "retry",
                actor=None,
                extra_fields=["progress", "error", "reason", "message"],
                details={"file": item.file_id, "attempts": item.attempts, "stale": True},
            )
            _mark_queued(item)
            transaction.on_commit(lambda i=item.pk: _send(i))
            sent += 1
    return sent


def _progress(item: Digitization, value: int) -> None:
    if value == item.progress:
        return
    item.progress = value
    Digitization.objects.filter(pk=item.pk).update(progress=value)


def _finish(item: Digitization, name: str, **values) -> Digitization:
    for key, value in values.items():
        setattr(item, key, value)
    item.finished_at = timezone.now()
    item.progress = 100 if name != "fail" else item.progress
    fields = ["finished_at", "progress", *values]
    details = {k: v for k, v in values.items() if k in ("method", "reason", "error", "pages", "pdfa")}
    if "archive" in values and values["archive"] is not None:
        details["archive"] = values["archive"].pk
    with transaction.atomic():
        current = Digitization.objects.select_for_update().filter(pk=item.pk).values("status", "attempts").first()
        if current != {"status": S.RUNNING, "attempts": item.attempts}:
            return Digitization.objects.filter(pk=item.pk).first()  # retried meanwhile: a newer run owns it
        MACHINE.apply(item, name, actor=None, extra_fields=fields, details={"file": item.file_id, **details})
        if name != "fail" and item.text:
            _index(item)
    return item


def _index(item: Digitization) -> None:
    """Search text of every document attaching the file (incoming and outgoing): the texts of all its digitized
    files, sent to the index after commit."""
    for kind, document_id in sorted(_documents_of(item.file_id)):
        index_document_text(kind, document_id)


def index_document_text(kind: str, document_id: int) -> None:
    """Send the text of a document's digitized files to its search entry of ``kind``, after commit (also when the
    files that make up the entry change, e.g. an outgoing document's issued files at issue)."""
    texts = (
        Digitization.objects.filter(file_id__in=_text_files(kind, document_id), status__in=[S.DONE, S.SKIPPED])
        .exclude(text="")
        .order_by("file_id")
        .values_list("text", flat=True)
    )
    text = "\n\n".join(texts)
    transaction.on_commit(lambda: _safe_index_text(kind, document_id, text))


def _documents_of(file_id: int) -> set[tuple[str, int]]:
    from vpdt.incoming.models import Attachment
    from vpdt.outgoing.models import OutgoingFile

    found = {("incoming", d) for d in Attachment.objects.filter(file_id=file_id).values_list("document_id", flat=True)}
    for document_id, published in OutgoingFile.objects.filter(file_id=file_id).values_list("document_id", "published"):
        found.add(("outgoing", document_id))
        if published:
            found.add(("published", document_id))
    return found


def _text_files(kind: str, document_id: int) -> list[int]:
    """The files whose text is the document's: an incoming document's attachments; an outgoing document's issued
    files, appendices, signed copies and the files of its latest draft (not older drafts, nor the documents
    "related" for the reviewers); the issued part of an outgoing document: its issued files."""
    from vpdt.incoming.models import Attachment, DocStatus
    from vpdt.outgoing.models import FileKind, OutgoingFile

    if kind == "incoming":  # a withdrawn document's files are no longer its text
        return list(
            Attachment.objects.filter(document_id=document_id)
            .exclude(document__status=DocStatus.WITHDRAWN)
            .values_list("file_id", flat=True)
        )
    if kind == "published":  # the issued document's own entry: its issued files only
        return list(
            OutgoingFile.objects.filter(document_id=document_id, published=True).values_list("file_id", flat=True)
        )
    rows = list(
        OutgoingFile.objects.filter(document_id=document_id)
        .exclude(kind=FileKind.RELATED)
        .values_list("kind", "version_id", "file_id")
    )
    drafts = [version for kind_, version, _ in rows if kind_ == FileKind.DRAFT and version is not None]
    latest = max(drafts, default=None)
    return [file_id for kind_, version, file_id in rows if kind_ != FileKind.DRAFT or version in (None, latest)]


def _safe_index_text(kind: str, document_id: int, text: str) -> None:
    from vpdt.search import services as search

    try:
        search.index_text(kind, document_id, text)
    except Exception:  # the search reconciliation does not know the OCR text: "Số hóa lại" indexes it again
        log.exception("Không đưa được văn bản số hóa vào chỉ mục của văn bản %s %s", kind, document_id)


def _store_archive(item: Digitization, pdf: bytes, suffix: str) -> StoredFile:
    stem = item.file.original_name.rsplit(".", 1)[0] or "tep"
    return storage.store(
        io.BytesIO(pdf),
        f"{stem}{suffix}.pdf",
        folder="digitize",
        content_type="application/pdf",
        agency=item.file.agency,
        actor=None,
    )


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
        MACHINE.apply(
            item,
            "start",
            extra_fields=["started_at", "finished_at", "progress", "attempts"],
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
    result = engine.ocr(data, kind, progress=lambda share: _progress(item, 20 + int(65 * share)))
    _progress(item, 90)
    archive = _store_archive(item, result.pdf, " (ban so hoa)")
    return _finish(
        item,
        "done",
        method=Method.OCR,
        archive=archive,
        pages=result.pages,
        pdfa=result.pdfa,
        text=result.text,
        message=result.message[:500],
    )


def _convert(item: Digitization, data: bytes, kind: str) -> Digitization:
    try:
        pdf = engine.convert_to_pdf(data, kind)
    except engine.Unavailable as exc:  # not the file's fault: say so, the file itself is fine
        return _finish(item, "skip", method=Method.CONVERT, reason=exc.message[:300])
    _progress(item, 80)
    texts = engine.page_texts(pdf)
    archive = _store_archive(item, pdf, "")
    return _finish(
        item,
        "done",
        method=Method.CONVERT,
        archive=archive,
        pages=len(texts),
        text="\n".join(texts).strip(),
        message="LibreOffice (chuyển sang PDF để xem)",
    )


def for_file(user, file_id: int) -> Digitization | None:
    """The digitization of a file ``user`` may see, else None."""
    from vpdt.core.authz import visible

    return visible(Digitization, user).select_related("file", "archive").filter(file_id=file_id).first()


def enqueue_attachments(actor, document) -> list[Digitization]:
    """Every attachment of an incoming document worth digitizing (called inside the registration transaction)."""
    from vpdt.incoming.models import Attachment

    return [
        enqueue(att.file, owner=att, actor=actor)
        for att in Attachment.objects.filter(document=document).select_related("file").order_by("order", "id")
        if supported(att.file)
    ]


def enqueue_outgoing(actor, outgoing_file) -> Digitization | None:
    """A file added to an outgoing document (draft, issued original, appendix, signed copy): its text is
    extracted (born-digital and signed PDFs are never OCRed nor modified) or a scan OCRed, for search."""
    if not supported(outgoing_file.file):
        return None
    return enqueue(outgoing_file.file, owner=outgoing_file, actor=actor)
