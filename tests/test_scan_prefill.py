"""Registration prefilled from a scan: the clerk uploads a scan, it is OCRed in the background,
the registration form comes prefilled with low-confidence fields highlighted, the clerk corrects and confirms, and
the scan becomes the document's attachment (byte-identical), once. Permission trimming, bad input and the API."""

import datetime as dt
import functools
import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.core.authz import visible
from vpdt.digitize import scans
from vpdt.digitize.models import Digitization, Status
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.incoming.models import Attachment, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.search import services as search
from vpdt.search.services import Criteria
from vpdt.storage.models import StoredFile

FONT = "src/vpdt/core/fonts/DejaVuSerif.ttf"
FONT_BOLD = "src/vpdt/core/fonts/DejaVuSerif-Bold.ttf"
# A công văn of the district to the department, laid out as ND30 (x, y, text, bold) on an A4 page at 200 dpi.
PAGE = [
    (150, 140, "ỦY BAN NHÂN DÂN", False),
    (170, 190, "HUYỆN NGHI LỘC", True),
    (820, 140, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
    (930, 190, "Độc lập - Tự do - Hạnh phúc", True),
    (150, 290, "Số: 1250/UBND-KT", False),
    (860, 290, "Nghi Lộc, ngày 18 tháng 11 năm 2026", False),
    (120, 350, "V/v đề nghị thẩm định thiết kế cơ sở dự án", False),
    (120, 400, "đường giao thông xã Nghi Phong", False),
    (560, 520, "Kính gửi: Sở Xây dựng tỉnh Nghệ An.", False),
    (200, 620, "Ủy ban nhân dân huyện Nghi Lộc đề nghị Sở Xây dựng thẩm định thiết kế", False),
    (120, 670, "cơ sở dự án đường giao thông liên thôn xã Nghi Phong, tổng mức đầu tư", False),
    (120, 720, "12,5 tỷ đồng, hồ sơ kèm theo gồm tờ trình và thuyết minh dự án.", False),
    (120, 900, "Nơi nhận:", True),
    (1000, 900, "KT. CHỦ TỊCH", True),
    (120, 950, "- Như trên;", False),
    (1020, 950, "PHÓ CHỦ TỊCH", True),
    (120, 1000, "- Chủ tịch UBND huyện;", False),
    (120, 1050, "- Lưu: VT, KT.", False),
    (1000, 1200, "Nguyễn Văn Hải", True),
]
SUBJECT = "V/v đề nghị thẩm định thiết kế cơ sở dự án đường giao thông xã Nghi Phong"


@functools.lru_cache
def scan_png() -> bytes:
    """The page scanned in colour as ND30 asks: the district's red seal over the left third of the deputy's blue
    signature, across the position line and the top of the name."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    from vpdt.digitize import corpus, corpus_colour

    img = Image.new("L", (1654, 1400), 255)
    draw = ImageDraw.Draw(img)
    regular, bold = ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT_BOLD, 34)
    for x, y, text, is_bold in PAGE:
        draw.text((x, y), text, fill=0, font=bold if is_bold else regular)
    img, rnd = img.convert("RGB"), random.Random("nghi-loc-1250")
    district = corpus.Agency("", "", "Ủy ban nhân dân huyện Nghi Lộc", "000.00.31.H41", "UBND", "Nghi Lộc", "district")
    corpus_colour._press(img, corpus_colour._signature(rnd, 380, 200), 990, 990)
    corpus_colour._press(img, corpus_colour._seal(rnd, district, 283), 930, 920)
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


def upload(client, *files):
    return client.post("/so-hoa/ban-quet/", {"files": list(files)})


def png(name="cong-van-1250.png", data=None):
    return SimpleUploadedFile(name, data or scan_png(), content_type="image/png")


def read_scan(org, text: str, name="scan.png") -> Digitization:
    """A waiting scan already read (its OCR text given): prefill without running Tesseract."""
    [scan] = scans.upload(org.sxd_clerk, [png(name)])
    Digitization.objects.filter(pk=scan.pk).update(status=Status.DONE, text=text, pages=1, progress=100)
    scan.refresh_from_db()
    return scan


OCR_TEXT = "\n".join(t for _, _, t, _ in PAGE)


def field_value(page: str, name: str) -> str:
    tag = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>(.*?</textarea>)?', page, re.S)
    assert tag, name
    found = re.search(r'value="([^"]*)"', tag.group(0))
    if tag.group(0).startswith("<textarea"):
        return re.sub(r"<.*", "", tag.group(0).split(">", 1)[1], flags=re.S).strip()
    return found.group(1) if found else ""


def test_clerk_uploads_scan_gets_a_prefilled_form_corrects_and_registers(
    org, login, django_capture_on_commit_callbacks
):
    client = login(org.sxd_clerk)
    with django_capture_on_commit_callbacks(execute=True):  # the OCR task runs (eagerly) after the commit
        response = upload(client, png())
    scan = Digitization.objects.get(owner_type=scans.WAITING)
    assert response.status_code == 302 and response["Location"] == f"/van-ban-den/vao-so/?ban-quet={scan.pk}"
    scan.refresh_from_db()
    assert scan.status == Status.DONE and "1250/UBND-KT" in scan.text

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="prefill-note"' in page and 'data-testid="scan-viewer"' in page
    assert field_value(page, "code_number") == "1250" and field_value(page, "code_notation") == "UBND-KT"
    assert field_value(page, "issued_date") == "18/11/2026"
    assert field_value(page, "signer_name") == "Nguyễn Văn Hải"
    assert field_value(page, "issuer_name") == "Ủy ban nhân dân huyện Nghi Lộc"
    assert field_value(page, "issuer_code") == "000.00.31.H41"  # corrected against the directory
    assert "thẩm định thiết kế cơ sở" in field_value(page, "subject")
    assert f'name="scan" value="{scan.pk}"' in page
    # every prefill field says where it came from; the unread type is flagged for the clerk
    levels = dict(re.findall(r'data-testid="prefill-(\w+)" data-level="(\w+)"', page))
    assert levels["code_number"] == "ok" and levels["issued_date"] == "ok"
    assert set(levels) >= {"issuer_name", "subject", "signer_name", "to_places", "doc_type"}
    assert 'data-prefill="ok"' in page  # the widgets carry the level too (the outline of low fields)

    # nothing is registered until the clerk confirms
    assert not IncomingDocument.objects.exists()
    cong_van = DocumentType.objects.get(name="Công văn")
    form = {
        "issuer_name": "Ủy ban nhân dân huyện Nghi Lộc",
        "issuer_code": "000.00.31.H41",
        "code_number": "1250",
        "code_notation": "UBND-KT",
        "issued_date": "18/11/2026",
        "doc_type": cong_van.pk,
        "subject": SUBJECT,
        "signer_name": "Nguyễn Văn Hải",
        "signer_position": "Phó Chủ tịch",
        "urgency": "1",
        "scan": scan.pk,
        "page_amount": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/van-ban-den/vao-so/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = IncomingDocument.objects.get()
    assert doc.subject == SUBJECT and doc.doc_type == cong_van and doc.signer_position == "Phó Chủ tịch"
    [attachment] = Attachment.objects.filter(document=doc)
    assert attachment.file_id == scan.file_id  # the scan itself, never a copy
    assert attachment.file.sha256 == hashlib.sha256(scan_png()).hexdigest()
    scan.refresh_from_db()
    assert (scan.owner_type, scan.owner_id) == ("incoming.incomingdocument", doc.pk)
    assert JournalEntry.objects.filter(action="digitize.scan.register", object_id=str(scan.pk)).exists()
    # the OCR text (only on the scan, never typed) is searchable at once, for those who may open the document
    hits = search.search(org.sxd_leader, Criteria(q="lien thon xa Nghi Phong tong muc dau tu")).hits
    assert [h.entry.object_id for h in hits] == [doc.pk]
    # the scan left the waiting list: it cannot be registered twice
    assert not scans.waiting(org.sxd_clerk).exists()
    again = client.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}")
    assert again.status_code == 302 and again["Location"] == "/so-hoa/ban-quet/"
    again = client.post("/van-ban-den/vao-so/", form)
    assert again.status_code == 302 and IncomingDocument.objects.count() == 1


def test_while_reading_the_page_polls_and_reloads_when_done(org, login):
    client = login(org.sxd_clerk)
    upload(client, png())  # on_commit callbacks not run: the scan stays queued
    scan = Digitization.objects.get(owner_type=scans.WAITING)
    page = client.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}").content.decode()
    assert 'data-testid="scan-reading"' in page and 'data-testid="register-form"' not in page
    assert f'hx-get="/so-hoa/ban-quet/{scan.pk}/trang-thai/"' in page
    fragment = client.get(f"/so-hoa/ban-quet/{scan.pk}/trang-thai/")
    assert fragment.status_code == 200 and 'hx-trigger="every 2s"' in fragment.content.decode()
    # "Nhập tay, không chờ": the empty form, with the scan beside it
    page = client.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}&khong-cho=1").content.decode()
    assert 'data-testid="register-form"' in page and 'data-testid="scan-viewer"' in page
    Digitization.objects.filter(pk=scan.pk).update(status=Status.FAILED, error="Tệp ảnh bị hỏng")
    done = client.get(f"/so-hoa/ban-quet/{scan.pk}/trang-thai/")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}").content.decode()
    assert "Không đọc được bản quét" in page and 'data-testid="register-form"' in page
    listing = client.get("/so-hoa/ban-quet/").content.decode()
    assert "cong-van-1250.png" in listing and "Tệp ảnh bị hỏng" in listing


def test_prefill_maps_type_recipients_and_confidence(org):
    text = OCR_TEXT.replace("V/v đề nghị", "QUYẾT ĐỊNH\nV/v đề nghị")
    scan = read_scan(org, OCR_TEXT)
    found = scans.prefill(scan)
    assert found.initial["code_number"] == "1250" and found.initial["issued_date"] == dt.date(2026, 11, 18)
    assert found.initial["to_places"] == "Như trên; Chủ tịch UBND huyện; Lưu: VT, KT"
    assert found.authority == "KT" and found.initial["page_amount"] == 1 and found.place == "Nghi Lộc"
    assert found.initial["subject"] == SUBJECT  # "Nghi" is a real syllable, not "Nghị" with its marks lost
    # a công văn does not print its type: it is told by the notation, with a lower confidence
    assert found.initial["doc_type"] == DocumentType.objects.get(name="Công văn").pk
    assert found.confidence["doc_type"] < found.confidence["issued_date"]
    scan2 = read_scan(org, text, "qd.png")
    assert scans.prefill(scan2).initial.get("doc_type") in (None, DocumentType.objects.get(name="Quyết định").pk)
    garbage = read_scan(org, "@@@ ### ~~~", "rac.png")
    assert not scans.prefill(garbage).read


def test_scans_are_seen_by_the_agencys_clerks_only(org, login, api):
    scan = read_scan(org, OCR_TEXT)
    other_clerk = make_person(org.stttt, "Nguyễn Thị Mai", Role.CLERK, org.stttt_cntt)
    assert list(visible(Digitization, org.sxd_clerk)) == [scan]
    for user in (other_clerk, org.sxd_leader, org.sxd_staff, org.ht_staff, org.ht_admin):
        assert not visible(Digitization, user).filter(pk=scan.pk).exists(), user
    other = login(other_clerk)
    assert other.get(f"/so-hoa/ban-quet/{scan.pk}/tep/").status_code == 404
    assert other.get(f"/so-hoa/ban-quet/{scan.pk}/trang-thai/").status_code == 404
    assert other.post(f"/so-hoa/ban-quet/{scan.pk}/bo/").status_code == 404
    assert other.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}").status_code == 302
    assert "cong-van" not in other.get("/so-hoa/ban-quet/").content.decode()
    assert login(org.sxd_staff).get("/so-hoa/ban-quet/").status_code == 403
    api_other = api(other_clerk)
    assert api_other.get(f"/api/v1/digitizations/{scan.pk}/prefill/").status_code == 404
    assert api_other.get("/api/v1/digitizations/scans/").json() == []
    # another agency's clerk cannot register it by id either
    with pytest.raises(ValidationError) as exc:
        incoming.register_document(
            other_clerk,
            agency=org.stttt,
            scans=[scan.pk],
            issuer_name="UBND huyện Nghi Lộc",
            issued_date=dt.date(2026, 11, 18),
            subject="Thử đăng ký bản quét của cơ quan khác",
            doc_type=DocumentType.objects.get(name="Công văn"),
        )
    assert "Bản quét đã được vào sổ, đã bị bỏ hoặc không thuộc cơ quan" in str(exc.value)
    assert not IncomingDocument.objects.exists()
    # the file viewer serves the original inline, never sniffed as something else
    mine = login(org.sxd_clerk).get(f"/so-hoa/ban-quet/{scan.pk}/tep/")
    assert mine.status_code == 200 and mine["X-Content-Type-Options"] == "nosniff"
    assert mine["Content-Type"] == "image/png" and "inline" in mine["Content-Disposition"]


def test_bad_uploads_are_refused_in_vietnamese_and_leave_nothing(org, login, api):
    client = login(org.sxd_clerk)
    before = StoredFile.objects.count()
    page = client.post("/so-hoa/ban-quet/", {}, follow=True).content.decode()
    assert "Hãy chọn ít nhất một tệp bản quét" in page
    text = SimpleUploadedFile("ghi-chu.pdf", b"day khong phai la PDF", content_type="application/pdf")
    page = client.post("/so-hoa/ban-quet/", {"files": [png("tot.png"), text]}, follow=True).content.decode()
    assert "không phải định dạng được chấp nhận" in page
    docx = SimpleUploadedFile("a.zip", b"PK\x03\x04" + b"\0" * 100, content_type="application/zip")
    page = client.post("/so-hoa/ban-quet/", {"files": [docx]}, follow=True).content.decode()
    assert "không phải bản quét" in page
    assert StoredFile.objects.count() == before and not Digitization.objects.exists()
    assert client.get("/van-ban-den/vao-so/?ban-quet=abc").status_code == 302
    assert client.get("/van-ban-den/vao-so/?ban-quet=99999999999999999999999").status_code == 302
    assert client.get("/so-hoa/ban-quet/999999/tep/").status_code == 404
    form = {"issuer_name": "UBND", "issued_date": "18/11/2026", "subject": "Thử", "scan": "x1"}
    assert client.post("/van-ban-den/vao-so/", form).status_code == 302  # unknown scan: back to the list
    client_api = api(org.sxd_clerk)
    response = client_api.post("/api/v1/digitizations/scans/", {}, format="multipart")
    assert response.status_code == 400 and "Hãy chọn ít nhất một tệp" in str(response.json())
    response = client_api.post("/api/v1/incoming-documents/", {"scans": ["abc"]}, format="json")
    assert response.status_code == 400


def test_discard_keeps_file_and_journal(org, login):
    scan = read_scan(org, OCR_TEXT)
    client = login(org.sxd_clerk)
    response = client.post(f"/so-hoa/ban-quet/{scan.pk}/bo/", {"reason": "Quét nhầm"}, follow=True)
    assert "Đã bỏ bản quét" in response.content.decode()
    scan.refresh_from_db()
    assert scan.owner_type == scans.DISCARDED and StoredFile.objects.filter(pk=scan.file_id).exists()
    entry = JournalEntry.objects.get(action="digitize.scan.discard")
    assert entry.details["reason"] == "Quét nhầm"
    assert client.get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}").status_code == 302


def test_api_upload_prefill_and_register(org, api, django_capture_on_commit_callbacks):
    client = api(org.sxd_clerk)
    response = client.post("/api/v1/digitizations/scans/", {"files": [png()]}, format="multipart")
    assert response.status_code == 201, response.content
    [item] = response.json()
    assert item["status"] == "queued" and item["owner_type"] == "digitize.scan"
    Digitization.objects.filter(pk=item["id"]).update(status=Status.DONE, text=OCR_TEXT, pages=1)
    assert [r["id"] for r in client.get("/api/v1/digitizations/scans/").json()] == [item["id"]]
    found = client.get(f"/api/v1/digitizations/{item['id']}/prefill/").json()
    assert found["ready"] and found["fields"]["code_number"] == {
        "value": "1250",
        "confidence": found["fields"]["code_number"]["confidence"],
        "low": False,
        "note": "",
    }
    assert found["fields"]["issued_date"]["value"] == "2026-11-18" and found["authority"] == "KT"
    assert found["fields"]["doc_type"]["value"] == DocumentType.objects.get(name="Công văn").pk
    assert found["fields"]["signer_position"] == {
        "value": "PHÓ CHỦ TỊCH",
        "confidence": found["fields"]["signer_position"]["confidence"],
        "low": found["fields"]["signer_position"]["confidence"] < 0.6,
        "note": "",
    }
    body = {
        key: found["fields"][key]["value"]
        for key in (
            "issuer_name",
            "issuer_code",
            "code_number",
            "code_notation",
            "issued_date",
            "subject",
            "signer_name",
        )
    }
    body.update(doc_type=DocumentType.objects.get(name="Công văn").pk, scans=[item["id"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/incoming-documents/", body, format="json")
    assert response.status_code == 201, response.content
    doc = IncomingDocument.objects.get(pk=response.json()["id"])
    assert list(doc.attachments.values_list("file_id", flat=True)) == [item["file"]]
    assert client.get(f"/api/v1/digitizations/{item['id']}/prefill/").status_code == 404
    response = client.post("/api/v1/incoming-documents/", {**body, "confirm_duplicate": True}, format="json")
    assert response.status_code == 400 and "Bản quét đã được vào sổ" in str(response.json())
    # the leader sees the document's digitization (through the document) but not the waiting list
    leader = api(org.sxd_leader)
    assert leader.get(f"/api/v1/digitizations/{item['id']}/").status_code == 200
    assert leader.get("/api/v1/digitizations/scans/").json() == []
    assert leader.post("/api/v1/digitizations/scans/", {"files": [png()]}, format="multipart").status_code == 403


def test_clerks_home_lists_the_waiting_scans(org, login):
    read_scan(org, OCR_TEXT, "cong-van-ubnd-nghi-loc.png")
    page = login(org.sxd_clerk).get("/").content.decode()
    assert 'data-testid="home-scan"' in page and "cong-van-ubnd-nghi-loc.png" in page
    assert "cong-van-ubnd-nghi-loc.png" not in login(org.sxd_leader).get("/").content.decode()


def test_a_wrong_issuer_is_flagged_on_the_form_with_its_reason(org, login, api):
    """The case that went unflagged: “UBND TỈNH NGHỆ AN / SỞ TÀI CHÍNH” (not in this directory) was prefilled as the
    province's People's Committee at 73% with nothing to check. Now the form outlines it and says why; a doubtful
    letter in the subject says which one."""
    text = OCR_TEXT.replace("ỦY BAN NHÂN DÂN\nHUYỆN NGHI LỘC", "UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH")
    scan = read_scan(org, text.replace("1250/UBND-KT", "1250/STC-KT"))
    Digitization.objects.filter(pk=scan.pk).update(
        doubts=[{"word": "thẩm", "alt": "thầm", "before": "nghị", "after": "định"}], archive_status="queued"
    )
    found = scans.prefill(Digitization.objects.get(pk=scan.pk))
    assert (
        found.initial["issuer_name"] != org.province.name and found.initial.get("issuer_code", "") != org.province.code
    )
    assert {"issuer_name", "subject"} <= set(found.low) and "issuer_code" in found.low
    page = login(org.sxd_clerk).get(f"/van-ban-den/vao-so/?ban-quet={scan.pk}").content.decode()
    levels = dict(re.findall(r'data-testid="prefill-(\w+)" data-level="(\w+)"', page))
    assert levels["issuer_name"] == levels["issuer_code"] == levels["subject"] == "low"
    hint = re.search(r'data-testid="prefill-issuer_name"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Không tìm thấy trong danh bạ" in hint and "SỞ TÀI CHÍNH" in hint
    subject_hint = re.search(r'data-testid="prefill-subject"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "“thẩm”" in subject_hint and "“thầm”" in subject_hint
    count = re.search(r"Các ô viền vàng \((\d+)\)", page)
    assert count and int(count.group(1)) >= 3
    note = api(org.sxd_clerk).get(f"/api/v1/digitizations/{scan.pk}/prefill/").json()["fields"]["issuer_name"]
    assert note["low"] and "SỞ TÀI CHÍNH" in note["note"]
    # the waiting list shows the archive copy still being built, and keeps polling until it is
    listing = login(org.sxd_clerk).get("/so-hoa/ban-quet/").content.decode()
    assert 'data-testid="archive-status" data-status="queued"' in listing and 'hx-trigger="every 3s"' in listing
