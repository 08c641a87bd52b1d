"""Digitization of scans: OCR with ocrmypdf + Tesseract vie into a searchable PDF/A archive
copy, signed PDFs never modified, born-digital PDFs not re-OCRed, clear Vietnamese failures, the htmx status
fragment, API permission trimming, and registration → OCR after commit → search."""

import datetime as dt
import functools
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from tests.signing_support import external_sign, nd30, pki_material
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.digitize import engine, processing, services
from vpdt.digitize.models import Digitization, Status
from vpdt.incoming import services as incoming
from vpdt.journal.models import JournalEntry
from vpdt.search import services as search
from vpdt.search.services import Criteria
from vpdt.storage import services as storage

FONT = "src/vpdt/core/fonts/DejaVuSerif.ttf"
LINES = [
    (110, 110, "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"),
    (170, 160, "BAN DÂN TỘC"),
    (110, 250, "Số: 171/QĐ-BDT"),
    (760, 250, "Bình Định, ngày 10 tháng 4 năm 2017"),
    (640, 400, "QUYẾT ĐỊNH"),
    (150, 480, "Về việc phê duyệt kế hoạch hỗ trợ đồng bào dân tộc thiểu số"),
    (150, 540, "chăn nuôi bò sinh sản tại huyện Vĩnh Thạnh"),
]


@functools.lru_cache
def scan_png() -> bytes:
    """A one-page ND30 decision as a 200 dpi greyscale scan (the top of an A4 page)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1654, 660), 255)
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(FONT, 34)
    for x, y, text in LINES:
        draw.text((x, y), text, fill=0, font=font)
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


@functools.lru_cache
def scan_pdf() -> bytes:
    """The same scan as an image-only PDF (what a copier produces)."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(scan_png())).save(out, "PDF", resolution=200)
    return out.getvalue()


def put(org, data: bytes, name: str, content_type: str):
    return storage.store(
        io.BytesIO(data), name, folder="incoming", content_type=content_type, agency=org.sxd, actor=org.sxd_clerk
    )


def run(org, stored, django_capture_on_commit_callbacks) -> Digitization:
    with django_capture_on_commit_callbacks(execute=True):
        item = services.enqueue(stored, actor=org.sxd_clerk)
    item.refresh_from_db()
    return item


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("kind", ["png", "pdf"])
def test_ocr_of_a_scan_recovers_number_and_symbol(org, django_capture_on_commit_callbacks, kind, monkeypatch):
    data = scan_png() if kind == "png" else scan_pdf()
    stored = put(org, data, f"quyet-dinh-171.{kind}", "image/png" if kind == "png" else "application/pdf")
    seen, original = [], processing._progress
    monkeypatch.setattr(processing, "_progress", lambda item, value: (seen.append(value), original(item, value)))
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert seen[:2] == [10, 20] and seen[-1] == 90 and seen == sorted(seen)
    assert any(20 < v <= 85 for v in seen), seen  # page by page, as the pages are read
    assert item.status == Status.DONE, item.error
    assert item.method == "ocr" and item.progress == 100 and item.pages == 1
    assert "171/QĐ-BDT" in item.text
    assert "QUYẾT ĐỊNH" in item.text and "Bình Định, ngày 10 tháng 4 năm 2017" in item.text
    # the archive copy is a new, searchable PDF (PDF/A); the original is unchanged
    archive = storage.read_stored(item.archive)
    assert archive.startswith(b"%PDF-") and item.archive_id != stored.pk
    assert "171/QĐ-BDT" in PdfReader(io.BytesIO(archive)).pages[0].extract_text()
    assert item.pdfa
    assert storage.read_stored(stored) == data and sha(data) == stored.sha256 and storage.verify(stored).ok
    actions = list(
        JournalEntry.objects.filter(object_type="digitize.digitization", object_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["digitize.enqueue", "digitize.start", "digitize.done", "digitize.archive"]
    assert set(JournalEntry.objects.filter(action__startswith="digitize.").values_list("agency_id", flat=True)) == {
        org.sxd.pk
    }
    assert item.archive_status == "done" and item.layers is None  # the layouts read are not kept once used


def test_text_comes_first_and_the_archive_copy_follows_in_its_own_task(
    org, django_capture_on_commit_callbacks, login, monkeypatch, api
):
    """The clerk waits only for the text: the PDF/A copy is built afterwards (a second task), from the page
    layouts already read (Tesseract is not run again), and the status fragment says so meanwhile."""
    from vpdt.digitize import archive, reading, tasks

    sent = []
    monkeypatch.setattr(tasks, "send_archive", sent.append)
    stored = put(org, scan_png(), "quyet-dinh-171.png", "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        doc = _document(org, stored)
    item = Digitization.objects.get(file=stored)
    assert item.status == Status.DONE and "171/QĐ-BDT" in item.text and sent == [item.pk]
    assert item.archive is None and item.archive_status == "queued" and archive.unpack(item.layers)
    client = login(org.sxd_clerk)
    fragment = client.get(f"/so-hoa/tep/{stored.pk}/").content.decode()
    assert 'data-testid="archive-status" data-status="queued"' in fragment and 'hx-trigger="every 3s"' in fragment
    assert api(org.sxd_clerk).get(f"/api/v1/digitizations/{item.pk}/").json()["archive_status"] == "queued"

    monkeypatch.setattr(reading, "_tesseract", lambda *a, **k: pytest.fail("the archive must not read again"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.build_archive(item.pk)
    item.refresh_from_db()
    assert item.archive_status == "done" and item.pdfa and item.layers is None
    assert "171/QĐ-BDT" in PdfReader(io.BytesIO(storage.read_stored(item.archive))).pages[0].extract_text()
    fragment = client.get(f"/so-hoa/tep/{stored.pk}/").content.decode()
    assert "Bản PDF tìm kiếm được (PDF/A)" in fragment and "hx-trigger" not in fragment
    assert JournalEntry.objects.filter(action="digitize.archive", object_id=str(item.pk)).count() == 1
    assert tasks.build_archive(item.pk) == "done"  # sent twice: built once
    assert JournalEntry.objects.filter(action="digitize.archive", object_id=str(item.pk)).count() == 1
    assert doc.pk


def test_transparent_phone_scan_without_resolution_is_flattened(org, django_capture_on_commit_callbacks):
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(scan_png())).convert("RGBA").save(out, "PNG")  # alpha channel, no dpi
    stored = put(org, out.getvalue(), "anh-chup.png", "image/png")
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.DONE and "171/QĐ-BDT" in item.text, item.error
    assert storage.read_stored(stored) == out.getvalue()


def test_signed_pdf_is_never_modified_only_its_text_extracted(org, django_capture_on_commit_callbacks, monkeypatch):
    signed = external_sign(nd30(), pki_material().leader)
    stored = put(org, signed, "quyet-dinh-da-ky.pdf", "application/pdf")
    monkeypatch.setattr(engine, "ocr", lambda *a, **k: pytest.fail("a signed PDF must never be OCRed"))
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.SKIPPED and item.reason == "PDF có chữ ký số: không sửa, chỉ trích chữ"
    assert item.archive is None and "Quy chế công tác văn thư" in item.text
    assert storage.read_stored(stored) == signed and sha(signed) == stored.sha256
    assert JournalEntry.objects.filter(action="digitize.skip", object_id=str(item.pk)).exists()


def test_born_digital_pdf_is_not_re_ocred(org, django_capture_on_commit_callbacks, monkeypatch):
    from vpdt.signing.samples import nd30_pdf

    data = nd30_pdf(subject="Về việc kiểm tra công tác phòng cháy chữa cháy năm 2026")
    stored = put(org, data, "cong-van.pdf", "application/pdf")
    monkeypatch.setattr(engine, "ocr", lambda *a, **k: pytest.fail("a born-digital PDF must not be OCRed"))
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.SKIPPED and item.reason == "PDF đã có lớp chữ" and item.method == "text"
    assert "phòng cháy chữa cháy" in item.text and item.archive is None
    assert storage.read_stored(stored) == data


def test_missing_language_pack_fails_fast(org, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(engine, "tesseract_languages", lambda: frozenset({"eng", "osd"}))
    import ocrmypdf

    monkeypatch.setattr(ocrmypdf, "ocr", lambda *a, **k: pytest.fail("no OCR without the language pack"))
    item = run(org, put(org, scan_png(), "scan.png", "image/png"), django_capture_on_commit_callbacks)
    assert item.status == Status.FAILED
    assert item.error == "Máy chủ chưa cài gói ngôn ngữ tiếng Việt cho Tesseract (tesseract-ocr-vie)"
    assert JournalEntry.objects.filter(action="digitize.fail", object_id=str(item.pk)).exists()


def test_vietnamese_pack_is_really_installed_here():
    engine.tesseract_languages.cache_clear()
    assert "vie" in engine.tesseract_languages()


def test_corrupt_pdf_fails_with_a_vietnamese_message(org, django_capture_on_commit_callbacks, login):
    bad = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref\n0 0\ntrailer\n%%EOF-broken"
    stored = put(org, bad, "hong.pdf", "application/pdf")
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.FAILED and item.error.startswith("Tệp PDF bị hỏng")
    doc = _document(org, stored)
    response = login(org.sxd_clerk).get(f"/so-hoa/tep/{stored.pk}/")
    assert response.status_code == 200 and "Tệp PDF bị hỏng" in response.content.decode()
    assert "Số hóa lại" in response.content.decode() and doc.pk


def test_docx_without_libreoffice_says_so(org, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(engine, "office_converter", lambda: None)
    docx = _docx()
    stored = put(org, docx, "to-trinh.docx", engine.OFFICE["docx"])
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.SKIPPED and item.method == "convert"
    assert item.reason == "Máy chủ chưa cài LibreOffice nên chưa chuyển được tệp DOCX/ODT sang PDF để xem"
    assert storage.read_stored(stored) == docx


def test_docx_is_converted_for_viewing_when_libreoffice_is_there(
    org, django_capture_on_commit_callbacks, monkeypatch, tmp_path
):
    """The conversion plumbing, with a stand-in for ``soffice --headless --convert-to pdf`` (the real LibreOffice
    is exercised by the test below)."""
    import sys

    from vpdt.signing.samples import nd30_pdf

    (tmp_path / "converted.pdf").write_bytes(nd30_pdf(subject="Tờ trình về việc mua sắm thiết bị văn phòng"))
    fake = tmp_path / "soffice"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, shutil, sys\n"
        "args = sys.argv[1:]\n"
        "assert args[0] == '--headless' and '--convert-to' in args and args[args.index('--convert-to') + 1] == 'pdf'\n"
        "out = pathlib.Path(args[args.index('--outdir') + 1])\n"
        "src = pathlib.Path(args[-1])\n"
        f"shutil.copy({str(tmp_path / 'converted.pdf')!r}, out / (src.stem + '.pdf'))\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(engine, "office_converter", lambda: str(fake))
    docx = _docx()
    stored = put(org, docx, "to-trinh.docx", engine.OFFICE["docx"])
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.DONE and item.method == "convert", item.error
    assert item.archive.original_name == "to-trinh.pdf" and "mua sắm thiết bị" in item.text
    assert storage.read_stored(stored) == docx


def _docx() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"
        )
        z.writestr(
            "word/document.xml", "<w:document><w:body><w:p><w:r><w:t>Tờ trình</w:t></w:r></w:p></w:body></w:document>"
        )
    return out.getvalue()


def dtype(name):
    return DocumentType.objects.get(name=name)


def _document(org, stored=None, files=(), **over):
    data = dict(
        issuer_name="Ban Dân tộc tỉnh Bình Định",
        issuer_code="000.00.20.H08",
        code_number="171",
        code_notation="QĐ-BDT",
        issued_date=dt.date(2017, 4, 10),
        doc_type=dtype("Quyết định"),
        subject="Quyết định phê duyệt kế hoạch hỗ trợ đồng bào dân tộc thiểu số",
        urgency=Urgency.NORMAL,
        signer_name="Đinh Văn Hùng",
        signer_position="Trưởng ban",
    )
    data.update(over)
    return incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        confirm_duplicate=True,
        files=files,
        stored_files=[stored] if stored else [],
        **data,
    ).document


def test_registration_enqueues_after_commit_and_search_finds_the_ocr_text(
    org, django_capture_on_commit_callbacks, login, api
):
    upload = SimpleUploadedFile("scan-quyet-dinh.png", scan_png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = _document(org, files=[upload], subject="Quyết định về việc hỗ trợ đồng bào")
        item = Digitization.objects.get(file__in=doc.attachments.values("file_id"))
        assert item.status == Status.QUEUED  # nothing ran before commit
    for callback in callbacks:
        with django_capture_on_commit_callbacks(execute=True):
            callback()
    item.refresh_from_db()
    assert item.status == Status.DONE and item.owner_type == "incoming.attachment"
    # "Vĩnh Thạnh" is only in the scan, not in any field of the registration
    hits = search.search(org.sxd_leader, Criteria(q="chăn nuôi bò sinh sản Vĩnh Thạnh")).hits
    assert [h.entry.object_id for h in hits] == [doc.pk]
    assert not search.search(org.ht_staff, Criteria(q="Vĩnh Thạnh")).hits

    # the detail page loads the fragment; the fragment links the searchable copy
    client = login(org.sxd_clerk)
    page = client.get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert f'hx-get="/so-hoa/tep/{item.file_id}/"' in page
    fragment = client.get(f"/so-hoa/tep/{item.file_id}/").content.decode()
    assert "Bản PDF tìm kiếm được" in fragment and "hx-trigger" not in fragment
    copy = client.get(f"/so-hoa/tep/{item.file_id}/ban-so-hoa/")
    assert copy.status_code == 200 and b"".join(copy.streaming_content).startswith(b"%PDF-")

    # another province sees nothing: fragment, copy, API list and detail
    other = login(org.ht_staff)
    assert other.get(f"/so-hoa/tep/{item.file_id}/").status_code == 404
    assert other.get(f"/so-hoa/tep/{item.file_id}/ban-so-hoa/").status_code == 404
    assert other.post(f"/so-hoa/tep/{item.file_id}/so-hoa-lai/").status_code == 404
    ht = api(org.ht_staff)
    assert ht.get("/api/v1/digitizations/").json()["results"] == []
    assert ht.get(f"/api/v1/digitizations/{item.pk}/").status_code == 404
    mine = api(org.sxd_leader).get(f"/api/v1/digitizations/{item.pk}/").json()
    assert mine["status"] == "done" and "171/QĐ-BDT" in mine["text"]
    # the leader sees but may not retry; the clerk may
    assert api(org.sxd_leader).post(f"/api/v1/digitizations/{item.pk}/retry/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api(org.sxd_clerk).post(f"/api/v1/digitizations/{item.pk}/retry/")
    assert response.status_code == 202
    item.refresh_from_db()
    assert item.status == Status.DONE and item.attempts == 2


def test_running_fragment_polls_and_retry_of_a_running_job_is_refused(org, login, api):
    stored = put(org, scan_png(), "scan.png", "image/png")
    _document(org, stored)
    item = Digitization.objects.get(file=stored)  # queued (the on_commit callback never ran)
    Digitization.objects.filter(pk=item.pk).update(status=Status.RUNNING, progress=20)
    fragment = login(org.sxd_clerk).get(f"/so-hoa/tep/{stored.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'aria-valuenow="20"' in fragment
    response = api(org.sxd_clerk).post(f"/api/v1/digitizations/{item.pk}/retry/")
    assert response.status_code == 400 and "đang được số hóa" in response.json()["status"][0]
    # a job left running for an hour (the worker stopped) may be sent again
    Digitization.objects.filter(pk=item.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    response = api(org.sxd_clerk).post(f"/api/v1/digitizations/{item.pk}/retry/")
    assert response.status_code == 202 and response.json()["status"] == "queued"


def test_api_filters_reject_bad_input(org, api):
    client = api(org.sxd_clerk)
    assert client.get("/api/v1/digitizations/?file=abc").status_code == 400
    assert client.get("/api/v1/digitizations/?status=xyz").status_code == 400


def test_ocr_task_goes_to_its_own_queue_and_serve_consumes_it():
    import inspect

    from vpdt.celery import app
    from vpdt.core.management.commands import serve

    route = app.amqp.router.route({}, "vpdt.digitize.tasks.run_ocr")
    assert route["queue"].name == "ocr"
    assert app.amqp.router.route({}, "vpdt.incoming.tasks.submit_batch")["queue"].name == "celery"
    assert app.amqp.router.route({}, "vpdt.exchange.tasks.send_due")["queue"].name == "exchange"
    assert '"VPDT_WORKER_QUEUES", "celery,ocr,exchange"' in inspect.getsource(serve)


def test_jobs_lost_by_a_stopped_worker_are_sent_again_then_given_up(org, django_capture_on_commit_callbacks, settings):
    from vpdt.digitize import tasks

    assert settings.CELERY_BEAT_SCHEDULE["digitize-requeue-stale"]["task"] == "vpdt.digitize.tasks.requeue_stale"
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    lost = services.enqueue(put(org, scan_png(), "mat-hang-doi.png", "image/png"), actor=org.sxd_clerk)
    Digitization.objects.filter(pk=lost.pk).update(queued_at=hour_ago)
    fresh = services.enqueue(put(org, scan_png(), "moi-gui.png", "image/png"), actor=org.sxd_clerk)
    dying = services.enqueue(put(org, scan_png(), "lam-treo-may.png", "image/png"), actor=org.sxd_clerk)
    Digitization.objects.filter(pk=dying.pk).update(status=Status.RUNNING, started_at=hour_ago, attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale() == 1
    lost.refresh_from_db(), fresh.refresh_from_db(), dying.refresh_from_db()
    assert lost.status == Status.DONE and lost.attempts == 1 and "171/QĐ-BDT" in lost.text
    assert fresh.status == Status.QUEUED  # waiting for less than 30 minutes: left alone
    assert dying.status == Status.FAILED and "sau 3 lần chạy" in dying.error
    retry = JournalEntry.objects.get(action="digitize.retry", object_id=str(lost.pk))
    assert retry.actor_id is None and retry.details["stale"] is True
    assert JournalEntry.objects.filter(action="digitize.fail", object_id=str(dying.pk)).exists()
    # a job sent again just now is not sent again at the next run
    Digitization.objects.filter(pk=lost.pk).update(status=Status.QUEUED)
    assert tasks.requeue_stale() == 0


OOXML_DOC = (
    "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
    "<w:p><w:r><w:t>TỜ TRÌNH</w:t></w:r></w:p><w:p><w:r><w:t>Về việc mua sắm thiết bị văn phòng cho "
    "Trung tâm Phục vụ hành chính công tỉnh Nghệ An</w:t></w:r></w:p></w:body></w:document>"
)
ODF_CONTENT = (
    "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0' "
    "xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0' office:version='1.2'><office:body>"
    "<office:text><text:p>TỜ TRÌNH</text:p><text:p>Về việc mua sắm thiết bị văn phòng cho Trung tâm "
    "Phục vụ hành chính công tỉnh Nghệ An</text:p></office:text></office:body>"
    "</office:document-content>"
)


def _real_office(kind: str) -> bytes:
    """A minimal but valid DOCX or ODT, as a word processor would save it."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        if kind == "docx":
            z.writestr(
                "[Content_Types].xml",
                (
                    "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
                    "<Default Extension='rels' ContentType='application/vnd.openxmlformats-package.relationships+xml'/>"
                    "<Default Extension='xml' ContentType='application/xml'/><Override PartName='/word/document.xml' "
                    "ContentType='application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'/>"
                    "</Types>"
                ),
            )
            z.writestr(
                "_rels/.rels",
                (
                    "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'>"
                    "<Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/"
                    "relationships/officeDocument' Target='word/document.xml'/></Relationships>"
                ),
            )
            z.writestr("word/document.xml", OOXML_DOC)
        else:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
            z.writestr(
                "META-INF/manifest.xml",
                (
                    "<manifest:manifest xmlns:manifest='urn:oasis:names:tc:opendocument:xmlns:manifest:1.0' "
                    "manifest:version='1.2'><manifest:file-entry manifest:full-path='/' manifest:media-type="
                    "'application/vnd.oasis.opendocument.text'/><manifest:file-entry manifest:full-path='content.xml' "
                    "manifest:media-type='text/xml'/></manifest:manifest>"
                ),
            )
            z.writestr("content.xml", ODF_CONTENT)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_real_libreoffice_converts_docx_and_odt_for_viewing(org, django_capture_on_commit_callbacks, kind):
    assert engine.office_converter(), "LibreOffice (soffice) phải được cài bởi scripts/system-deps.sh"
    data = _real_office(kind)
    stored = put(org, data, f"to-trinh-mua-sam.{kind}", engine.OFFICE[kind])
    item = run(org, stored, django_capture_on_commit_callbacks)
    assert item.status == Status.DONE and item.method == "convert", (item.error, item.message)
    assert item.archive.original_name == "to-trinh-mua-sam.pdf" and item.pages == 1
    assert "mua sắm thiết bị văn phòng" in item.text and "Trung tâm Phục vụ hành chính công" in item.text
    assert storage.read_stored(item.archive).startswith(b"%PDF-")
    assert storage.read_stored(stored) == data  # the original is kept as it is


def test_archive_builds_lost_by_a_stopped_worker_are_sent_again_then_given_up(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    from vpdt.digitize import tasks

    sent = []
    monkeypatch.setattr(tasks, "send_archive", sent.append)
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    rows = [services.enqueue(put(org, scan_png(), f"ban-{k}.png", "image/png"), actor=org.sxd_clerk) for k in range(3)]
    lost, dying, fresh = rows
    Digitization.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=Status.DONE, text="171/QĐ-BDT", archive_status="running", archive_queued_at=hour_ago, archive_attempts=1
    )
    Digitization.objects.filter(pk=dying.pk).update(archive_attempts=3)
    Digitization.objects.filter(pk=fresh.pk).update(archive_status="queued", archive_queued_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale() == 1
    assert sent == [lost.pk]
    lost.refresh_from_db(), dying.refresh_from_db(), fresh.refresh_from_db()
    assert lost.archive_status == "queued" and lost.archive_queued_at > hour_ago and lost.status == Status.DONE
    assert dying.archive_status == "failed" and "sau 3 lần" in dying.archive_error
    assert fresh.archive_status == "queued" and JournalEntry.objects.filter(action="digitize.archive_fail").count() == 1
    # a build whose reading was redone meanwhile is not built: the newer reading owns the row
    from vpdt.digitize import archive

    Digitization.objects.filter(pk=lost.pk).update(status=Status.QUEUED)
    assert archive.build(lost.pk).archive_status == "queued" and lost.archive is None
