"""Incoming registers and the processing slip: PDF and XLSX exports (SPEC §2.5, §8; ND30 Phụ lục IV)."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

import vpdt.urls
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import visible
from vpdt.incoming import exports, services
from vpdt.incoming.exports_views import export_urls
from vpdt.incoming.models import Assignment, IncomingDocument, ProcessingNote, Register, ReplyRecord

# Test-local URLconf: the project's URLs plus the export views (not routed in vpdt.urls yet).
urlpatterns = [*vpdt.urls.urlpatterns, *export_urls]
pytestmark = pytest.mark.urls(__name__)

REGISTER_HEADERS = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
FOLLOWUP_HEADERS = [
    "Số đến",
    "Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
]
VIETNAMESE = "Đắk Lắk, Hỏa tốc, ưu tiên: Ủy ban nhân dân tỉnh; Sở Xây dựng; đường ống; ấp ẩn ẫn ậy ỳ ỷ ỹ ỵ"
T = services.Target


def today():
    return timezone.localdate()


def vn_early_morning():
    """00:05 Vietnam time today: still the previous day in UTC, so a UTC date would be wrong."""
    day = timezone.localdate(timezone.now() - dt.timedelta(minutes=10))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 5)))


def fields(**over):
    data = dict(
        issuer_name="Ủy ban nhân dân tỉnh Đắk Lắk",
        issuer_code="000.00.00.H47",
        code_number="15",
        code_notation="UBND-VX",
        issued_date=today() - dt.timedelta(days=3),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v ưu tiên bố trí vốn cho dự án đường Hồ Chí Minh qua Đắk Lắk",
        signer_name="Phạm Ngọc Nghị",
        signer_position="Chủ tịch",
        page_amount=2,
        description="Hỏa tốc, ưu tiên; kèm phụ lục",
    )
    data.update(over)
    return data


class Docs:
    pass


@pytest.fixture
def docs(org):
    d = Docs()
    d.a = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        arrival_date=vn_early_morning(),
        **fields(urgency=Urgency.FLASH),
    ).document
    d.register = d.a.register
    d.deadline = today() + dt.timedelta(days=10)
    services.direct(
        org.sxd_leader,
        d.a,
        direction="Phòng KH-TC chủ trì, Văn phòng phối hợp; báo cáo trước hạn.",
        deadline=d.deadline,
        targets=[T("lead", unit=org.sxd_khtc), T("cooperate", unit=org.sxd_vp), T("inform", user=org.sxd_admin)],
    )
    d.b = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        **fields(
            issuer_name="Bộ Xây dựng",
            issuer_code="",
            code_number="2301",
            code_notation="BXD-HTKT",
            subject="V/v báo cáo tình hình thực hiện quy hoạch",
            description="",
        ),
    ).document
    d.c = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        **fields(
            urgency=Urgency.URGENT,
            issuer_name="Sở Tài chính tỉnh Nghệ An",
            code_number="88",
            code_notation="STC-NS",
            subject="V/v thẩm định dự toán ngân sách năm 2027",
            description="",
        ),
    ).document
    services.direct(
        org.sxd_leader,
        d.c,
        direction="Giao đồng chí Lan xử lý.",
        deadline=d.deadline,
        targets=[T("lead", unit=org.sxd_khtc)],
    )
    lead = Assignment.objects.get(document=d.c, role="lead")
    d.child = Assignment.objects.create(
        document=d.c,
        role="lead",
        user=org.sxd_staff,
        parent=lead,
        opinion="Đồng chí Lan nghiên cứu, tham mưu văn bản trả lời.",
        assigned_by=org.sxd_unit_leader,
        deadline=d.deadline,
    )
    ProcessingNote.objects.create(
        assignment=d.child, kind="progress", text="Đã làm việc với Sở Tài chính.", author=org.sxd_staff
    )
    ProcessingNote.objects.create(
        assignment=d.child,
        kind="proposal",
        text="Đề xuất đồng ý dự toán, điều chỉnh mục chi ưu tiên.",
        author=org.sxd_staff,
    )
    for doc in (d.a, d.b, d.c):
        doc.refresh_from_db()
    return d


def period():
    return today() - dt.timedelta(days=1), today()


def as_date(value):
    """openpyxl reads date cells back as datetimes at midnight."""
    assert isinstance(value, dt.datetime), value
    assert value.time() == dt.time(0, 0)
    return value.date()


def load(data):
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data)).active


# ------------------------------------------------------------------------------------------- XLSX


def test_register_xlsx_cell_by_cell(org, docs):
    date_from, date_to = period()
    qs = visible(IncomingDocument, org.sxd_clerk).filter(register=docs.register).order_by("-id")
    ws = load(
        exports.incoming_register_xlsx(qs, agency=org.sxd, register=docs.register, date_from=date_from, date_to=date_to)
    )
    assert ws["A1"].value == "SỞ XÂY DỰNG TỈNH NGHỆ AN"
    assert ws["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" and ws["A2"].font.bold
    assert f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}" in ws["A3"].value
    assert {"A1:J1", "A2:J2", "A3:J3"} <= {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[4]] == REGISTER_HEADERS
    assert all(c.font.bold and c.alignment.wrap_text for c in ws[4])
    assert [c.value for c in ws[5]] == list(range(1, 11))
    assert ws.freeze_panes == "A6"
    assert ws.column_dimensions["F"].width > ws.column_dimensions["B"].width

    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert len(rows) == 3
    assert [r[1] for r in rows] == [1, 2, 3]  # ordered by số đến whatever the queryset order

    a = rows[0]
    arrival_vn = timezone.localtime(docs.a.arrival_date).date()
    assert arrival_vn != docs.a.arrival_date.astimezone(dt.UTC).date()  # 00:05 in Hà Nội
    assert as_date(a[0]) == arrival_vn
    assert a[2] == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert a[3] == "15/UBND-VX"
    assert as_date(a[4]) == docs.a.issued_date
    assert a[5] == "Công văn: V/v ưu tiên bố trí vốn cho dự án đường Hồ Chí Minh qua Đắk Lắk"
    assert a[6] == "Phòng Kế hoạch - Tài chính (chủ trì); Văn phòng Sở (phối hợp)"
    assert as_date(a[7]) == timezone.localtime(docs.a.directed_at).date()
    assert a[8] is None
    assert a[9] == "Hỏa tốc, ưu tiên; kèm phụ lục"
    for col in "AEH":
        assert ws[f"{col}6"].number_format == "dd/mm/yyyy"
    assert all(c.alignment.wrap_text for c in ws[6] if c.column_letter in "CFGJ")

    b = rows[1]  # registered only: no recipient, not handed over yet
    assert b[2:4] == ["Bộ Xây dựng", "2301/BXD-HTKT"] and b[6] is None and b[7] is None and b[9] is None
    c = rows[2]  # urgent: submitted at once, then directed
    assert c[6] == "Phòng Kế hoạch - Tài chính (chủ trì)"
    assert as_date(c[7]) == timezone.localtime(docs.c.directed_at).date()


def test_followup_xlsx_cell_by_cell(org, docs):
    qs = visible(IncomingDocument, org.sxd_clerk).filter(register=docs.register)
    ws = load(
        exports.followup_register_xlsx(qs, agency=org.sxd, register=docs.register, date_from=today(), date_to=today())
    )
    assert ws["A2"].value == "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" and ws.title == "Sổ theo dõi giải quyết"
    assert "A2:G2" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[4]] == FOLLOWUP_HEADERS and all(c.font.bold for c in ws[4])
    assert [c.value for c in ws[5]] == list(range(1, 8))
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert [r[0] for r in rows] == [1, 2, 3]
    issued = docs.a.issued_date.strftime("%d/%m/%Y")
    assert rows[0][1] == f"Công văn số 15/UBND-VX ngày {issued} của Ủy ban nhân dân tỉnh Đắk Lắk"
    assert rows[0][2] == "Phòng Kế hoạch - Tài chính (chủ trì); Văn phòng Sở (phối hợp)"
    assert as_date(rows[0][3]) == docs.deadline and ws["D6"].number_format == "dd/mm/yyyy"
    assert rows[0][4] == "Đã có ý kiến chỉ đạo"
    assert rows[0][5] is None  # no reply yet
    assert rows[0][6] == "Hỏa tốc, ưu tiên; kèm phụ lục"
    assert rows[1][3] is None and rows[1][4] == "Đã vào sổ"
    assert rows[2][4] == f"Đã có ý kiến chỉ đạo. {today():%d/%m/%Y}: Đã làm việc với Sở Tài chính."


def test_overdue_is_flagged_in_followup(org, docs):
    IncomingDocument.objects.filter(pk=docs.a.pk).update(deadline=today() - dt.timedelta(days=2))
    rows = exports.followup_rows(IncomingDocument.objects.filter(pk=docs.a.pk))
    assert rows[0][4] == "Đã có ý kiến chỉ đạo (quá hạn 2 ngày)"
    IncomingDocument.objects.filter(pk=docs.a.pk).update(status="completed", completed_at=timezone.now())
    rows = exports.followup_rows(IncomingDocument.objects.filter(pk=docs.a.pk))
    assert rows[0][4] == f"Đã hoàn thành ngày {today():%d/%m/%Y}"  # done: no longer overdue


def test_reply_references_in_followup(org, docs):
    assert exports.followup_rows(IncomingDocument.objects.filter(pk=docs.c.pk))[0][5] == ""
    ReplyRecord.objects.create(document=docs.c, created_by=org.sxd_staff, subject="Trả lời Sở Tài chính")
    rows = exports.followup_rows(IncomingDocument.objects.filter(pk=docs.c.pk))
    assert rows[0][5] == "Đang dự thảo văn bản trả lời"
    ReplyRecord.objects.filter(document=docs.c).update(outgoing_reference="412/SXD-KHTC")
    rows = exports.followup_rows(IncomingDocument.objects.filter(pk=docs.c.pk))
    assert rows[0][5] == "412/SXD-KHTC"


def test_superseded_assignments_are_not_listed_as_recipients(org, docs):
    Assignment.objects.filter(document=docs.a, unit=org.sxd_khtc).update(status="reassigned")
    Assignment.objects.create(document=docs.a, role="lead", user=org.sxd_staff, assigned_by=org.sxd_leader)
    rows = exports.register_rows(IncomingDocument.objects.filter(pk=docs.a.pk))
    assert rows[0][6] == "Hoàng Thị Lan (chủ trì); Văn phòng Sở (phối hợp)"


def test_other_agency_staff_sees_nothing_in_an_export(org, docs):
    for person in (org.stttt_staff, org.ht_staff, org.province_admin):
        qs = visible(IncomingDocument, person).filter(register=docs.register)
        ws = load(exports.incoming_register_xlsx(qs, agency=org.sxd, register=docs.register))
        assert ws.max_row == 5  # title, header and number rows only
    # A staff member of the agency sees only the document assigned to them.
    rows = exports.register_rows(visible(IncomingDocument, org.sxd_staff).filter(register=docs.register))
    assert [r[1] for r in rows] == [docs.c.arrival_number]


# -------------------------------------------------------------------------------------------- PDF


def media_boxes(pdf):
    return [tuple(round(float(x)) for x in m.split()) for m in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", pdf)]


def page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_fonts_are_bundled_and_cover_vietnamese():
    for name in ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"):
        assert (exports.FONT_DIR / name).stat().st_size > 100_000
    assert any(p.name.startswith("LICENSE") for p in exports.FONT_DIR.iterdir())
    from reportlab.pdfbase import pdfmetrics

    exports.register_fonts()
    for name in (exports.FONT, exports.FONT_BOLD, exports.FONT_ITALIC):
        face = pdfmetrics.getFont(name).face
        missing = {ch for ch in VIETNAMESE + VIETNAMESE.upper() if ch != " " and ord(ch) not in face.charToGlyph}
        assert not missing, (name, missing)


def test_register_pdf_is_landscape_a4_with_embedded_font(org, docs):
    date_from, date_to = period()
    pdf = exports.incoming_register_pdf(
        IncomingDocument.objects.filter(register=docs.register),
        agency=org.sxd,
        register=docs.register,
        date_from=date_from,
        date_to=date_to,
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in pdf and b"DejaVuSerif" in pdf
    assert b"/Helvetica" not in pdf  # every text, page numbers included, in the embedded font
    assert media_boxes(pdf) and set(media_boxes(pdf)) == {(0, 0, 842, 595)}
    follow = exports.followup_register_pdf(
        IncomingDocument.objects.filter(register=docs.register),
        agency=org.sxd,
        register=docs.register,
        date_from=date_from,
        date_to=date_to,
    )
    assert follow.startswith(b"%PDF-") and b"/FontFile2" in follow and b"/Helvetica" not in follow
    assert set(media_boxes(follow)) == {(0, 0, 842, 595)}
    empty = exports.incoming_register_pdf(
        IncomingDocument.objects.none(), agency=org.sxd, register=docs.register, date_from=date_from, date_to=date_to
    )
    assert page_count(empty) == 1


def test_long_register_spans_pages_with_repeated_header(org, docs, monkeypatch):
    built = []
    from reportlab.platypus import Table

    original = Table.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(Table, "__init__", spy)
    from reportlab.pdfgen.canvas import Canvas

    footers = []
    draw_right = Canvas.drawRightString
    monkeypatch.setattr(
        Canvas,
        "drawRightString",
        lambda self, x, y, text, *a, **k: footers.append(text) or draw_right(self, x, y, text, *a, **k),
    )
    for i in range(40):
        services.register_document(
            org.sxd_clerk,
            agency=org.sxd,
            confirm_duplicate=True,
            **fields(code_number=str(100 + i), subject=f"V/v {VIETNAMESE} lần {i}"),
        )
    pdf = exports.incoming_register_pdf(
        IncomingDocument.objects.filter(register=docs.register),
        agency=org.sxd,
        register=docs.register,
        date_from=today(),
        date_to=today(),
    )
    pages = page_count(pdf)
    assert pages >= 3
    assert footers == [f"Trang {n}/{pages}" for n in range(1, pages + 1)]
    assert built[0].repeatRows == 2  # header and column numbers repeat on every page


def test_processing_slip(org, docs):
    pdf = exports.processing_slip_pdf(docs.c)
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf and b"/Helvetica" not in pdf
    assert set(media_boxes(pdf)) == {(0, 0, 595, 842)}  # A4 portrait
    content = exports.slip_content(docs.c)
    identity = dict(content["identity"])
    assert identity["Số đến"] == f"{docs.c.arrival_number}/{docs.c.year}"
    assert identity["Số, ký hiệu"] == "88/STC-NS"
    assert identity["Tác giả (cơ quan ban hành)"] == "Sở Tài chính tỉnh Nghệ An"
    assert identity["Trích yếu nội dung"] == "V/v thẩm định dự toán ngân sách năm 2027"
    assert identity["Độ khẩn"] == "Khẩn"
    (h1, leader, _), (h2, unit, _), (h3, proposal, _) = content["sections"]
    assert (h1, h2, h3) == (
        "1. Ý kiến của lãnh đạo:",
        "2. Ý kiến của lãnh đạo đơn vị:",
        "3. Ý kiến đề xuất của người giải quyết:",
    )
    assert leader[0][0] == "Giao đồng chí Lan xử lý." and leader[0][1].startswith("Trần Thị Thu Hà - ")
    assert ("Xử lý chính: Phòng Kế hoạch - Tài chính (hạn " + f"{docs.deadline:%d/%m/%Y})", "") in leader
    assert unit[0][0] == (
        f"Giao Hoàng Thị Lan (xử lý chính), hạn {docs.deadline:%d/%m/%Y}: "
        "Đồng chí Lan nghiên cứu, tham mưu văn bản trả lời."
    )
    assert unit[0][1].startswith("Phạm Văn Dũng - ")
    assert [p[0] for p in proposal] == [
        "Tiến độ: Đã làm việc với Sở Tài chính.",
        "Đề xuất đồng ý dự toán, điều chỉnh mục chi ưu tiên.",
    ]
    assert {p[1] for p in proposal} == {f"Hoàng Thị Lan - {today():%d/%m/%Y}"}
    # A document not yet directed gets blank lines for handwriting, still one printable page.
    blank = exports.slip_content(docs.b)
    assert all(entries == [] for _h, entries, _n in blank["sections"])
    assert page_count(exports.processing_slip_pdf(docs.b)) == 1


# ---------------------------------------------------------------------------------------- queries


def _make(org, n, start):
    for i in range(n):
        doc = services.register_document(
            org.sxd_clerk,
            agency=org.sxd,
            leader=org.sxd_leader,
            confirm_duplicate=True,
            **fields(code_number=str(start + i), urgency=Urgency.URGENT),
        ).document
        services.direct(
            org.sxd_leader,
            doc,
            direction="Phòng KH-TC xử lý",
            deadline=today(),
            targets=[T("lead", unit=org.sxd_khtc), T("cooperate", user=org.sxd_staff)],
        )
        lead = doc.assignments.get(role="lead")
        ProcessingNote.objects.create(assignment=lead, kind="progress", text=f"Tiến độ {i}", author=org.sxd_staff)


@pytest.mark.parametrize(
    "name", ["incoming_register_xlsx", "followup_register_xlsx", "incoming_register_pdf", "followup_register_pdf"]
)
def test_queries_do_not_grow_with_rows(org, django_assert_max_num_queries, name):
    export = getattr(exports, name)
    register = services.default_register(org.sxd)
    counts = []
    for n, start in ((5, 1000), (35, 2000)):
        _make(org, n, start)
        qs = visible(IncomingDocument, org.sxd_clerk).filter(register=register)
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as ctx:
            export(qs, agency=org.sxd, register=register, date_from=today(), date_to=today())
        counts.append(len(ctx.captured_queries))
    assert IncomingDocument.objects.count() == 40
    assert counts[0] == counts[1], counts


# ------------------------------------------------------------------------------------------ views


def quarter(day):
    q = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * q - 2, 1)
    end = dt.date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return q, start, end


def test_clerk_downloads_register_for_a_quarter(org, docs, login):
    client = login(org.sxd_clerk)
    q, start, end = quarter(today())
    old = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        confirm_duplicate=True,
        arrival_date=timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=20), dt.time(9))),
        **fields(code_number="7", issued_date=start - dt.timedelta(days=25)),
    ).document
    params = {"date_from": f"{start:%d/%m/%Y}", "date_to": f"{end:%d/%m/%Y}"}
    response = client.get(f"/so-den/{docs.register.pk}/xuat.pdf", params)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="so-den-VBD-{start.year}-Q{q}.pdf"'
    assert response.content.startswith(b"%PDF-")

    response = client.get(f"/so-den/{docs.register.pk}/xuat.xlsx", params)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="so-den-VBD-{start.year}-Q{q}.xlsx"'
    ws = load(response.content)
    assert [c.value for c in ws["D"][5:]] == ["15/UBND-VX", "2301/BXD-HTKT", "88/STC-NS"]  # not 7/UBND-VX
    assert old.pk and [c.value for c in ws["B"][5:]] == [1, 2, 3]
    assert f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}" in ws["A3"].value

    # Without dates: the current quarter.
    response = client.get(f"/so-theo-doi/{docs.register.pk}/xuat.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="so-theo-doi-VBD-{start.year}-Q{q}.xlsx"'
    assert [c.value for c in load(response.content)[4]] == FOLLOWUP_HEADERS


def test_custom_period_filename_and_filter(org, docs, login):
    client = login(org.sxd_clerk)
    day = timezone.localtime(docs.a.arrival_date).date()
    response = client.get(
        f"/so-den/{docs.register.pk}/xuat.xlsx", {"date_from": f"{day:%d/%m/%Y}", "date_to": f"{day:%d/%m/%Y}"}
    )
    assert response.status_code == 200
    assert f'filename="so-den-VBD-{day:%Y%m%d}-{day:%Y%m%d}.xlsx"' in response["Content-Disposition"]
    assert [c.value for c in load(response.content)["B"][5:]] == [1, 2, 3]
    # The day before (Vietnam time) holds none of them although 00:05 today is yesterday in UTC.
    before = day - dt.timedelta(days=1)
    response = client.get(
        f"/so-den/{docs.register.pk}/xuat.xlsx", {"date_from": f"{before:%d/%m/%Y}", "date_to": f"{before:%d/%m/%Y}"}
    )
    assert load(response.content).max_row == 5


@pytest.mark.parametrize(
    "params,needle",
    [
        ({"date_from": "31/02/2026"}, "Từ ngày “31/02/2026” không hợp lệ"),
        ({"date_to": "2026-12-31"}, "Đến ngày “2026-12-31” không hợp lệ"),
        ({"date_from": "01/12/2026", "date_to": "01/10/2026"}, "phải trước hoặc bằng"),
    ],
)
def test_invalid_dates_give_a_vietnamese_400(org, docs, login, params, needle):
    client = login(org.sxd_clerk)
    for url in (f"/so-den/{docs.register.pk}/xuat.pdf", f"/so-theo-doi/{docs.register.pk}/xuat.xlsx"):
        response = client.get(url, params)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Yêu cầu không hợp lệ" in body and needle in body.replace("&ldquo;", "“").replace("&rdquo;", "”")
        assert response["Content-Type"].startswith("text/html")


def test_other_agency_cannot_export_the_register(org, docs, login):
    for person in (org.stttt_staff, org.ht_staff):
        client = login(person)
        for url in (
            f"/so-den/{docs.register.pk}/xuat.pdf",
            f"/so-theo-doi/{docs.register.pk}/xuat.xlsx",
            f"/van-ban-den/{docs.a.pk}/phieu-giai-quyet.pdf",
        ):
            assert client.get(url).status_code == 404, (person, url)


def test_staff_export_holds_only_their_documents(org, docs, login):
    client = login(org.sxd_staff)
    response = client.get(f"/so-den/{docs.register.pk}/xuat.xlsx")
    assert response.status_code == 200
    assert [c.value for c in load(response.content)["B"][5:]] == [docs.c.arrival_number]
    assert client.get(f"/van-ban-den/{docs.c.pk}/phieu-giai-quyet.pdf").status_code == 200
    assert client.get(f"/van-ban-den/{docs.b.pk}/phieu-giai-quyet.pdf").status_code == 404


def test_slip_view_and_bad_format_and_anonymous(org, docs, login, client):
    response = client.get(f"/so-den/{docs.register.pk}/xuat.pdf")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    clerk = login(org.sxd_clerk)
    response = clerk.get(f"/van-ban-den/{docs.a.pk}/phieu-giai-quyet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="phieu-giai-quyet-VBD-{docs.a.year}-{docs.a.arrival_number}.pdf"'
    )
    assert clerk.get(f"/so-den/{docs.register.pk}/xuat.docx").status_code == 404
    assert clerk.post(f"/so-den/{docs.register.pk}/xuat.pdf").status_code in (403, 405)


# ------------------------------------------------------------------------------------ reaching the exports


def test_slip_section_three_tells_what_the_handlers_recorded(org, docs):
    """Section 3 ("Ý kiến đề xuất của người giải quyết") is filled from the handlers' progress, proposals and
    results, each with the handler's name and the day; it was empty although they recorded them."""
    lead = Assignment.objects.get(document=docs.a, role="lead", parent__isnull=True)
    services.add_note(org.sxd_unit_leader, lead, "progress", "Phòng đã họp, thống nhất phương án bố trí vốn.")
    services.complete(org.sxd_unit_leader, lead, "Đã tham mưu Công văn số 456/SXD-KHTC trả lời UBND tỉnh Đắk Lắk.")
    day = f"{today():%d/%m/%Y}"
    section = exports.slip_content(docs.a)["sections"][2]
    assert section[0] == "3. Ý kiến đề xuất của người giải quyết:"
    assert section[1] == [
        ("Tiến độ: Phòng đã họp, thống nhất phương án bố trí vốn.", f"Phạm Văn Dũng - {day}"),
        ("Kết quả: Đã tham mưu Công văn số 456/SXD-KHTC trả lời UBND tỉnh Đắk Lắk.", f"Phạm Văn Dũng - {day}"),
    ]
    assert exports.processing_slip_pdf(docs.a).startswith(b"%PDF-")


def test_the_registers_and_the_slip_are_reached_by_buttons(org, docs, login):
    """The incoming list offers both registers to its clerks and leaders, the register management page offers
    each register, and every document page offers its phiếu giải quyết; only typed URLs reached them before."""
    clerk = login(org.sxd_clerk)
    html = clerk.get("/van-ban-den/").content.decode()
    assert 'href="/van-ban-den/in-so/" data-testid="print-register"' in html
    assert 'href="/van-ban-den/in-so/?loai=so-theo-doi" data-testid="print-followup"' in html
    html = clerk.get("/van-ban-den/so/").content.decode()
    assert f'href="/van-ban-den/in-so/?so={docs.register.pk}"' in html
    html = clerk.get(f"/van-ban-den/{docs.a.pk}/").content.decode()
    assert f'href="/van-ban-den/{docs.a.pk}/phieu-giai-quyet.pdf" data-testid="slip"' in html
    assert login(org.sxd_leader).get("/van-ban-den/").content.decode().count('data-testid="print-') == 2
    # Staff read only their own documents: no register to print, the slip of the document they handle.
    staff = login(org.sxd_staff)
    assert 'data-testid="print-' not in staff.get("/van-ban-den/").content.decode()
    assert staff.get("/van-ban-den/in-so/").status_code == 403
    assert 'data-testid="slip"' in staff.get(f"/van-ban-den/{docs.c.pk}/").content.decode()


def test_the_print_page_downloads_the_chosen_register_or_keeps_what_was_typed(org, docs, login):
    clerk = login(org.sxd_clerk)
    q, start, end = quarter(today())
    page = clerk.get("/van-ban-den/in-so/?loai=so-theo-doi")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{start:%d/%m/%Y}"' in html and f'value="{end:%d/%m/%Y}"' in html  # the current quarter
    assert 'value="so-theo-doi" checked' in html
    assert f'<option value="{docs.register.pk}" selected>' in html
    choice = {"loai": "so-theo-doi", "so": docs.register.pk, "date_from": f"{start:%d/%m/%Y}"}
    response = clerk.get("/van-ban-den/in-so/", {**choice, "date_to": f"{end:%d/%m/%Y}", "dinh-dang": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="so-theo-doi-VBD-{start.year}-Q{q}.xlsx"'
    assert [c.value for c in load(response.content)[4]] == FOLLOWUP_HEADERS
    response = clerk.get("/van-ban-den/in-so/", {"so": docs.register.pk, "dinh-dang": "pdf"})
    assert response["Content-Type"] == "application/pdf" and "so-den-VBD" in response["Content-Disposition"]
    # A wrong date comes back on the page, with a Vietnamese message and everything typed.
    response = clerk.get("/van-ban-den/in-so/", {**choice, "date_to": "31/13/2026", "dinh-dang": "pdf"})
    html = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Đến ngày" in html and "không hợp lệ" in html and 'value="31/13/2026"' in html
    assert 'value="so-theo-doi" checked' in html
    # A register of another agency is not offered and cannot be printed through the page.
    other = Register.objects.create(agency=org.stttt, name="Sổ văn bản đến", code="VBD")
    html = clerk.get("/van-ban-den/in-so/", {"so": other.pk, "dinh-dang": "pdf"}).content.decode()
    assert "hãy chọn lại sổ" in html and f'value="{other.pk}"' not in html
