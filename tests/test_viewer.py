"""The document viewer beside the action panel: every page that acts on a document shows its files (tabs, a
signature badge each) to the people who may act there, read through the same authorized download views, asked
for inline; a person who may not see the document gets a 404 for the inline file as for the download."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.test_digitize import _real_office
from tests.test_outgoing_clerk import issued_to_stttt
from tests.test_outgoing_services import approve_all, draft, world  # noqa: F401
from tests.test_scan_prefill import read_scan
from tests.test_signing_outgoing import signed_approval, signed_world  # noqa: F401
from vpdt.catalog.models import DocumentType
from vpdt.core.pdf import FONT, FONT_BOLD, register_fonts
from vpdt.digitize.models import Digitization, Status
from vpdt.incoming import services as incoming
from vpdt.incoming.models import Assignment
from vpdt.outgoing import services as out
from vpdt.outgoing.models import FileKind
from vpdt.storage import services as storage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_pages(pages: int = 2, title: str = "CÔNG VĂN") -> bytes:
    """An A4 PDF of ``pages`` pages as an agency would send it: Vietnamese text in an embedded font, a black
    band at the top (so a drawn page is never blank)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    for number in range(1, pages + 1):
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        canvas.rect(60, height - 120, width - 120, 40, stroke=0, fill=1)
        canvas.setFont(FONT_BOLD, 13)
        canvas.drawCentredString(width / 2, height - 160, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(width / 2, height - 180, "Độc lập - Tự do - Hạnh phúc")
        canvas.setFont(FONT_BOLD, 16)
        canvas.drawCentredString(width / 2, height - 240, title)
        canvas.setFont(FONT, 12)
        canvas.drawString(72, height - 290, f"Trang {number}/{pages}: về việc triển khai kế hoạch cải cách hành chính.")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def word_pdf(lines=("BÁO CÁO TÌNH HÌNH THI HÀNH", "Ngày 05/12/2026")) -> bytes:
    """A one-page A4 PDF as Word saves one when it does not embed its fonts: the text in a TrueType font named
    TimesNewRomanPSMT, WinAnsi encoded (``lines`` in its letters), a list bullet in Symbol, neither with a font
    file (the reader must bring its own), and a black band."""
    text = "".join(
        f"BT /F2 12 Tf 60 {700 - 24 * i} Td (\\267) Tj ET\n"
        f"BT /F1 14 Tf 80 {700 - 24 * i} Td ({line.encode('cp1252').decode('latin-1')}) Tj ET\n"
        for i, line in enumerate(lines)
    )
    content = ("0.1 0.1 0.1 rg 60 740 475 40 re f\n0 0 0 rg\n" + text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 7 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /TimesNewRomanPSMT /Encoding /WinAnsiEncoding"
        b" /FontDescriptor 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /FontDescriptor /FontName /TimesNewRomanPSMT /Flags 34 /FontBBox [-568 -216 2046 693]"
        b" /ItalicAngle 0 /Ascent 891 /Descent -216 /CapHeight 662 /StemV 82 >>",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Symbol /FontDescriptor 8 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Symbol /Flags 4 /FontBBox [0 -220 1113 1005] /ItalicAngle 0"
        b" /Ascent 1005 /Descent -220 /CapHeight 693 /StemV 85 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start))
    return out.getvalue()


def png_page() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 594), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 380, 90), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def uploads(*names):
    """Uploaded files by name: a 2-page PDF, a PNG page, a DOCX."""
    made = {
        "pdf": lambda n: SimpleUploadedFile(n, pdf_pages(2), content_type="application/pdf"),
        "png": lambda n: SimpleUploadedFile(n, png_page(), content_type="image/png"),
        "docx": lambda n: SimpleUploadedFile(n, _real_office("docx"), content_type=DOCX),
    }
    return [made[name.rsplit(".", 1)[1]](name) for name in names]


def registered(org, files=None, **over):
    """An incoming document of the SXD with three files (unless ``files`` are given), submitted to the director."""
    files = files or uploads("cong-van-1234-ubnd.pdf", "phu-luc-anh.png", "du-toan.docx")
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        files=files,
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number="1234",
        code_notation="UBND-KT",
        issued_date=timezone.localdate(),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v triển khai kế hoạch cải cách hành chính năm 2027",
        **over,
    ).document
    return incoming.submit(org.sxd_clerk, doc)


TAB = re.compile(r"<button[^>]*data-viewer-tab[^>]*>.*?</button>", re.S)


def tabs(html: str) -> list[dict]:
    """The viewer's tabs: src, kind, group and the badge's verdict."""

    def attr(tab, name):
        found = re.search(rf'{name}="([^"]*)"', tab)
        return found.group(1) if found else None

    return [
        {
            "src": attr(tab, "data-src"),
            "kind": attr(tab, "data-kind"),
            "group": attr(tab, "data-group"),
            "badge": attr(tab, "data-verdict"),
        }
        for tab in TAB.findall(html)
    ]


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# ---------------------------------------------------------------------------------------------- incoming


def test_incoming_detail_shows_the_viewer_to_everyone_who_acts_on_it(org, login):
    doc = registered(org)
    atts = list(doc.attachments.order_by("order"))
    expected = [
        {"src": f"/van-ban-den/{doc.pk}/tep/{a.pk}/?xem=1", "kind": kind, "group": None}
        for a, kind in zip(atts, ("pdf", "image", "other"))
    ]

    def check(user, action_testid):
        html = html_of(login(user), f"/van-ban-den/{doc.pk}/")
        assert 'data-testid="viewer"' in html and action_testid in html, user
        shown = tabs(html)
        assert [{k: t[k] for k in ("src", "kind", "group")} for t in shown] == expected
        assert all(t["badge"] for t in shown)  # the stored results: the PDF's, "not a PDF" for the others
        assert [t["badge"] for t in shown][1:] == ["not_pdf", "not_pdf"]
        assert "vendor/pdfjs/pdf.min.mjs" in html and "vpdt/viewer.js" in html

    check(org.sxd_clerk, 'data-testid="attachment"')
    check(org.sxd_leader, 'data-testid="direction-form"')  # bút phê
    T = incoming.Target
    incoming.direct(org.sxd_leader, doc, direction="Phòng KH-TC chủ trì.", targets=[T("lead", unit=org.sxd_khtc)])
    check(org.sxd_unit_leader, 'data-testid="distribute"')  # assignment
    lead = Assignment.objects.get(document=doc, role="lead")
    incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    check(org.sxd_staff, 'data-testid="complete"')  # processing
    assert login(org.stttt_staff).get(f"/van-ban-den/{doc.pk}/").status_code == 404


def test_a_tiff_scan_is_shown_through_its_searchable_pdf_copy(org, login):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (200, 280), "white").save(buffer, format="TIFF")
    doc = registered(org, files=[SimpleUploadedFile("ban-quet.tif", buffer.getvalue(), content_type="image/tiff")])
    att = doc.attachments.get()
    copy = storage.store(io.BytesIO(pdf_pages(1)), "ban-quet.pdf", content_type="application/pdf", agency=org.sxd)
    Digitization.objects.filter(file=att.file).update(archive=copy, status=Status.DONE)
    html = html_of(login(org.sxd_leader), f"/van-ban-den/{doc.pk}/")
    shown = tabs(html)
    assert shown == [
        {"src": f"/so-hoa/tep/{att.file_id}/ban-so-hoa/?xem=1", "kind": "pdf", "group": None, "badge": "not_pdf"}
    ]
    assert f'data-download="/van-ban-den/{doc.pk}/tep/{att.pk}/"' in html  # "Tải về" still gives the original
    inline = login(org.sxd_leader).get(shown[0]["src"])
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    assert login(org.stttt_staff).get(shown[0]["src"]).status_code == 404


def test_registration_from_a_scan_shows_the_scan_in_the_viewer(org, login):
    scan = read_scan(org, "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN\nSố: 1250/UBND-KT")
    html = html_of(login(org.sxd_clerk), f"/van-ban-den/vao-so/?ban-quet={scan.pk}")
    assert 'data-testid="register-form"' in html
    assert tabs(html) == [
        {"src": f"/so-hoa/ban-quet/{scan.pk}/tep/?xem=1", "kind": "image", "group": None, "badge": "not_pdf"}
    ]


# ---------------------------------------------------------------------------------------------- outgoing


def test_review_approval_and_issuing_show_the_draft_in_the_viewer(world, login):
    org = world
    doc = draft(org, files=uploads("du-thao-bao-cao.docx", "du-thao-bao-cao.pdf"))
    doc = out.submit(org.sxd_staff, doc)
    rows = {row.file.original_name: row for row in doc.files.select_related("file")}

    def viewer_of(user, action_testid):
        html = html_of(login(user), f"/van-ban-di/{doc.pk}/")
        assert 'data-testid="viewer"' in html and action_testid in html, user
        return tabs(html)

    # the reviewer (unit leader) reads the PDF first, the DOCX after; neither is signed
    expected = [
        {
            "src": f"/van-ban-di/{doc.pk}/tep/{rows['du-thao-bao-cao.pdf'].pk}/?xem=1",
            "kind": "pdf",
            "group": None,
            "badge": "draft",
        },
        {
            "src": f"/van-ban-di/{doc.pk}/tep/{rows['du-thao-bao-cao.docx'].pk}/?xem=1",
            "kind": "other",
            "group": None,
            "badge": "not_pdf",
        },
    ]
    assert viewer_of(org.sxd_unit_leader, 'data-testid="approve"') == expected
    out.approve(org.sxd_unit_leader, doc, comment="Đồng ý.")
    assert viewer_of(org.sxd_leader, 'data-testid="approve"') == expected  # the signer's approval
    out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.")
    assert viewer_of(org.sxd_clerk, 'data-testid="issue-form"') == expected  # issuing
    assert login(org.ht_staff).get(f"/van-ban-di/{doc.pk}/").status_code == 404


def test_the_issuing_queue_shows_what_each_document_would_be_issued_with(signed_world, login):
    """The clerk reads each approved document where they number and issue it: the signer's signed PDF instead of
    the draft PDF it signed, the other files after it, one document at a time, the oldest approval first."""
    org = signed_world
    signed = signed_approval(org, files=uploads("du-thao-quy-che.pdf", "phu-luc-du-toan.docx"))
    plain = approve_all(org, draft(org, subject="V/v báo cáo quý IV", files=uploads("bao-cao-quy-iv.pdf")))
    clerk = login(org.sxd_clerk)
    html = html_of(clerk, "/van-ban-di/cho-phat-hanh/")
    assert html.count('data-testid="to-issue-row"') == 2 and 'data-testid="viewer"' in html
    signed_rows = {r.kind: r for r in signed.files.exclude(kind=FileKind.DRAFT, file__content_type="application/pdf")}
    plain_pdf = plain.files.get()
    shown = tabs(html)
    assert shown == [
        {
            "src": f"/van-ban-di/{signed.pk}/tep/{signed_rows[FileKind.SIGNED].pk}/?xem=1",
            "kind": "pdf",
            "group": f"phat-hanh-{signed.pk}",
            "badge": "signed",
        },
        {
            "src": f"/van-ban-di/{signed.pk}/tep/{signed_rows[FileKind.DRAFT].pk}/?xem=1",
            "kind": "other",
            "group": f"phat-hanh-{signed.pk}",
            "badge": "not_pdf",
        },
        {
            "src": f"/van-ban-di/{plain.pk}/tep/{plain_pdf.pk}/?xem=1",
            "kind": "pdf",
            "group": f"phat-hanh-{plain.pk}",
            "badge": "draft",
        },
    ]
    for doc in (signed, plain):
        group = f"phat-hanh-{doc.pk}"
        assert f'data-viewer-show="{group}"' in html and f'data-viewer-caption="{group}"' in html
    assert "Đang xem: Công văn — V/v báo cáo quý IV" in html
    for tab in shown:
        answer = clerk.get(tab["src"])["Content-Disposition"]
        assert answer.startswith("inline" if tab["kind"] == "pdf" else "attachment"), tab
        assert login(org.stttt_clerk).get(tab["src"]).status_code == 404
    assert login(org.sxd_staff).get("/van-ban-di/cho-phat-hanh/").status_code == 403


def test_the_issuing_queue_without_files_says_so(world, login):
    org = world
    approve_all(org, draft(org))
    html = html_of(login(org.sxd_clerk), "/van-ban-di/cho-phat-hanh/")
    assert tabs(html) == [] and 'data-testid="viewer-empty"' in html and "data-viewer-show" not in html
    assert "Không có tệp đính kèm." in html


# ---------------------------------------------------------------------------------------------- receiving


def test_the_arrivals_queue_shows_each_card_in_one_viewer(world, login):
    org = world
    first = issued_to_stttt(org, subject="V/v công văn thứ nhất của Sở Xây dựng")
    second = issued_to_stttt(org, subject="V/v công văn thứ hai của Sở Xây dựng")
    html = html_of(login(org.stttt_clerk), "/lien-thong/den/")
    shown = tabs(html)
    groups = [f"den-internal-{d.recipients.get().pk}" for d in (second, first)]
    assert [t["group"] for t in shown] == groups  # one file each, newest card first
    for tab, doc in zip(shown, (second, first)):
        recipient = doc.recipients.get()
        row = doc.files.get(kind="final")
        assert tab["src"] == f"/lien-thong/den/trong-he-thong/{recipient.pk}/tep/{row.file_id}/?xem=1"
        assert tab["kind"] == "pdf" and tab["badge"]  # the delivery's check, as the card shows it
    for group in groups:
        assert f'data-viewer-show="{group}"' in html and f'data-viewer-caption="{group}"' in html


# ---------------------------------------------------------------------------------------------- authorization


def _inline(client, url):
    return client.get(url + "?xem=1")


def test_inline_files_keep_the_authorization_of_the_downloads(world, login):
    org = world
    doc = registered(org)
    pdf, png, docx = doc.attachments.order_by("order")
    clerk = login(org.sxd_clerk)
    shown = _inline(clerk, f"/van-ban-den/{doc.pk}/tep/{pdf.pk}/")
    assert shown.status_code == 200 and shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Type"] == "application/pdf" and shown["Cache-Control"] == "private, no-store"
    assert b"".join(shown.streaming_content).startswith(b"%PDF")
    assert _inline(clerk, f"/van-ban-den/{doc.pk}/tep/{png.pk}/")["Content-Disposition"].startswith("inline")
    # a type the browser would not show itself is always a download
    assert _inline(clerk, f"/van-ban-den/{doc.pk}/tep/{docx.pk}/")["Content-Disposition"].startswith("attachment")
    assert clerk.get(f"/van-ban-den/{doc.pk}/tep/{pdf.pk}/")["Content-Disposition"].startswith("attachment")
    for outsider in (org.stttt_staff, org.ht_staff):
        assert _inline(login(outsider), f"/van-ban-den/{doc.pk}/tep/{pdf.pk}/").status_code == 404

    draft_doc = draft(org, files=uploads("du-thao.pdf"))
    row = draft_doc.files.get()
    url = f"/van-ban-di/{draft_doc.pk}/tep/{row.pk}/"
    assert _inline(login(org.sxd_staff), url)["Content-Disposition"].startswith("inline")
    assert _inline(login(org.ht_staff), url).status_code == 404
    assert _inline(login(org.stttt_clerk), url).status_code == 404

    issued = issued_to_stttt(org)
    recipient = issued.recipients.get()
    final = issued.files.get(kind="final")
    url = f"/lien-thong/den/trong-he-thong/{recipient.pk}/tep/{final.file_id}/"
    assert _inline(login(org.stttt_clerk), url)["Content-Disposition"].startswith("inline")
    for outsider in (org.stttt_staff, org.province_clerk, org.ht_staff):
        assert _inline(login(outsider), url).status_code == 404
