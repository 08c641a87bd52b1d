"""Full text of outgoing documents: every file added to an outgoing document is digitized after commit
— born-digital PDFs only read, never OCRed nor modified — and its text is searchable by those who may open the
document; older drafts and the reviewers' related files are not the document's text."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.test_outgoing_services import draft
from vpdt.digitize.models import Digitization, Method, Status
from vpdt.outgoing import services as out
from vpdt.outgoing.models import FileKind, OutgoingFile
from vpdt.search import services as search
from vpdt.search.services import Criteria
from vpdt.signing import samples
from vpdt.storage import services as storage


def pdf(name, body):
    data = samples.nd30_pdf(body=body, subject="V/v báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026")
    return SimpleUploadedFile(name, data, content_type="application/pdf"), data


def found(user, words):
    return [h.entry.object_id for h in search.search(user, Criteria(q=words)).hits]


def test_outgoing_files_are_read_for_search_never_modified(org, django_capture_on_commit_callbacks):
    upload, data = pdf("du-thao-v1.pdf", ["Công trình trường mầm non xã Hưng Lộc đã hoàn thành phần móng."])
    related, _ = pdf("tai-lieu-lien-quan.pdf", ["Biên bản nghiệm thu khối lượng đợt hai của nhà thầu Hồng Lam."])
    with django_capture_on_commit_callbacks(execute=True):
        doc = draft(org, files=[upload], related_files=[related])
    item = Digitization.objects.get(
        file__in=OutgoingFile.objects.filter(document=doc, kind=FileKind.DRAFT).values("file_id")
    )
    assert (item.status, item.method, item.owner_type) == (Status.SKIPPED, Method.TEXT, "outgoing.outgoingfile")
    assert storage.read_stored(item.file) == data and item.file.sha256 == hashlib.sha256(data).hexdigest()
    assert item.archive is None  # a born-digital PDF gets no OCR copy
    # the drafter finds it by words only the file holds, without diacritics; other agencies never
    assert found(org.sxd_staff, "truong mam non xa Hung Loc phan mong") == [doc.pk]
    assert found(org.ht_staff, "truong mam non xa Hung Loc") == []
    assert found(org.sxd_staff, "nghiem thu khoi luong nha thau Hong Lam") == []  # related files: not its text

    # a new draft version replaces the text of the old one
    upload2, _ = pdf("du-thao-v2.pdf", ["Công trình trạm y tế xã Hưng Lộc đã hoàn thành phần mái."])
    with django_capture_on_commit_callbacks(execute=True):
        out.revise(org.sxd_staff, doc, text="Bản sửa theo ý kiến phòng.", files=[upload2], note="Sửa lần 1")
    assert found(org.sxd_staff, "tram y te xa Hung Loc phan mai") == [doc.pk]
    assert found(org.sxd_staff, "truong mam non phan mong") == []
