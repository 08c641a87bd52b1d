"""Sổ đăng ký văn bản đi: PDF (A4 landscape, Vietnamese text) and XLSX, by period, only the agency's documents."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.test_outgoing_services import approve_all, draft, dtype, world  # noqa: F401
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import exports
from vpdt.outgoing import services as out
from vpdt.outgoing.models import Authority, OutgoingDocument, RecipientKind
from vpdt.outgoing.services import RecipientSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The outgoing world and draft helpers are shared with the service tests.


@pytest.fixture
def docs(world):
    """Two documents of the Sở Xây dựng issued in Q4 2026, one in Q3, and one of the district."""
    org = world
    with freeze_time("2026-09-15 09:00:00+07:00"):
        org.q3 = out.issue(org.sxd_clerk, approve_all(org, draft(org, subject="Công văn quý III về đê điều")))
    with freeze_time("2026-11-05 09:00:00+07:00"):
        org.cv = out.issue(
            org.sxd_clerk,
            approve_all(
                org,
                draft(
                    org,
                    recipients=[
                        RecipientSpec(RecipientKind.AGENCY, agency=org.province),
                        RecipientSpec(RecipientKind.AGENCY, agency=org.stttt, for_information=True),
                        RecipientSpec(RecipientKind.EXTERNAL, name="Báo Nghệ An"),
                    ],
                    description="Gửi kèm phụ lục số liệu",
                ),
            ),
        )
    with freeze_time("2026-11-06 10:00:00+07:00"):
        qd = draft(
            org,
            doc_type="Quyết định",
            subject="Quyết định phê duyệt kế hoạch chuyển đổi số năm 2027",
            authority=Authority.KT,
            signer_position="Phó Giám đốc",
            recipients=[RecipientSpec(RecipientKind.UNIT, unit=org.sxd_vp)],
        )
        org.qd = out.issue(org.sxd_clerk, approve_all(org, qd), issued_date=dt.date(2026, 11, 6))
    with freeze_time("2026-11-07 10:00:00+07:00"):
        report = out.create_draft(
            org.district_leader,
            doc_type=dtype("Báo cáo"),
            subject="Báo cáo tình hình kinh tế - xã hội huyện Nghi Lộc",
            signer=org.district_leader,
        )
        org.district_doc = out.issue(
            org.district_clerk, out.approve(org.district_leader, out.submit(org.district_leader, report))
        )
    return org


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


Q4 = {"date_from": "01/10/2026", "date_to": "31/12/2026"}


def test_pdf_is_landscape_a4_with_vietnamese_text(docs, login):
    from pypdf import PdfReader

    org = docs
    r = login(org.sxd_clerk).get("/van-ban-di/so-van-ban-di/xuat.pdf", Q4)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "so-di-SXD-2026-Q4.pdf" in r["Content-Disposition"]
    data = r.content
    reader = PdfReader(io.BytesIO(data))
    for p in reader.pages:
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (842, 595)
    assert b"/FontFile2" in data and b"DejaVuSerif" in data and b"/Helvetica" not in data
    text = pdf_text(data)
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        "SỞ XÂY DỰNG TỈNH NGHỆ AN",
        "Từ ngày 01/10/2026 đến ngày 31/12/2026",
        "02/SXD-KHTC",
        "03/QĐ-SXD",
        "05/11/2026",
        "06/11/2026",
        "Trần Thị Thu Hà",
        "Báo Nghệ An",
        "Người ký",
        "Nơi nhận văn bản",
    ):
        assert expected in flat, expected
    assert "Quyết định phê duyệt kế hoạch chuyển đổi số" in flat
    assert "quý III" not in flat and "Nghi Lộc" not in flat  # other period, other agency
    entry = JournalEntry.objects.filter(action="outgoing.register_exported").get()
    assert entry.actor_id == org.sxd_clerk.pk and entry.details["format"] == "pdf"
    assert entry.details["date_from"] == "2026-10-01" and entry.agency_id == org.sxd.pk


def test_xlsx_cell_by_cell(docs, login):
    from openpyxl import load_workbook

    org = docs
    r = login(org.sxd_clerk).get("/van-ban-di/so-van-ban-di/xuat.xlsx", Q4)
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "SỞ XÂY DỰNG TỈNH NGHỆ AN"
    assert ws["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert ws["A3"].value == "Từ ngày 01/10/2026 đến ngày 31/12/2026"
    header = [ws.cell(row=exports.XLSX_HEADER_ROW, column=c).value for c in range(1, 11)]
    assert header == [
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    assert [ws.cell(row=5, column=c).value for c in range(1, 11)] == list(range(1, 11))
    first = exports.XLSX_FIRST_DATA_ROW
    rows = [[ws.cell(row=r_, column=c).value for c in range(1, 11)] for r_ in (first, first + 1)]
    cv, qd = rows  # ordered by year and number (one series for the agency's non-QPPL documents)
    assert cv[0] == "02/SXD-KHTC"
    assert cv[1].date() == dt.date(2026, 11, 5)
    assert cv[2] == "Công văn: V/v báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026"
    assert cv[3].endswith("Trần Thị Thu Hà")
    assert cv[4] == "Ủy ban nhân dân tỉnh Nghệ An; Sở Thông tin và Truyền thông tỉnh Nghệ An (để biết); Báo Nghệ An"
    assert cv[5] == "Văn thư; Phòng Kế hoạch - Tài chính (Hoàng Thị Lan)"
    assert cv[6] == 3
    assert cv[7].date() == dt.date(2026, 11, 5)
    assert cv[8] is None
    assert cv[9] == "Gửi kèm phụ lục số liệu"
    assert qd[0] == "03/QĐ-SXD" and qd[1].date() == dt.date(2026, 11, 6)
    assert qd[2] == "Quyết định: Quyết định phê duyệt kế hoạch chuyển đổi số năm 2027"
    assert qd[3] == "KT. Phó Giám đốc: Trần Thị Thu Hà"
    assert qd[4] == "Văn phòng Sở" and qd[6] == 1
    assert ws.cell(row=first, column=2).number_format == "dd/mm/yyyy"
    assert ws.cell(row=first + 2, column=1).value is None  # nothing else: no Q3, no district
    assert ws.page_setup.orientation == "landscape"


def test_period_filter_default_quarter_and_recall(docs, login):
    org = docs
    c = login(org.sxd_clerk)
    from openpyxl import load_workbook

    def numbers(params):
        r = c.get("/van-ban-di/so-van-ban-di/xuat.xlsx", params)
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        return [
            ws.cell(row=i, column=1).value
            for i in range(exports.XLSX_FIRST_DATA_ROW, ws.max_row + 1)
            if ws.cell(row=i, column=1).value
        ]

    assert numbers({"date_from": "01/07/2026", "date_to": "30/09/2026"}) == ["01/SXD-KHTC"]  # the Q3 one
    assert numbers({"date_from": "06/11/2026", "date_to": "06/11/2026"}) == ["03/QĐ-SXD"]
    assert numbers({"date_from": "01/07/2026", "date_to": "31/12/2026"}) == ["01/SXD-KHTC", "02/SXD-KHTC", "03/QĐ-SXD"]
    with freeze_time("2026-11-20 09:00:00+07:00"):
        assert numbers({}) == ["02/SXD-KHTC", "03/QĐ-SXD"]  # the current quarter
    # A recalled document keeps its line with the recall noted.
    with freeze_time("2026-11-21 09:00:00+07:00"):
        out.recall(org.sxd_leader, org.cv, "Sai số liệu phụ lục")
    rows = exports.register_rows(OutgoingDocument.objects.filter(pk=org.cv.pk))
    assert rows[0][9] == "Gửi kèm phụ lục số liệu. Đã thu hồi ngày 21/11/2026: Sai số liệu phụ lục"
    c = login(org.sxd_clerk)  # the session's idle clock went back in time above
    for bad in (
        {"date_from": "31/02/2026"},
        {"date_from": "01/12/2026", "date_to": "01/11/2026"},
        {"date_to": "2026-12-31"},
        {"date_from": "01/01/2000", "date_to": "31/12/2026"},
    ):
        r = c.get("/van-ban-di/so-van-ban-di/xuat.pdf", bad)
        assert r.status_code == 400 and ("ngày" in r.content.decode().lower() or "5 năm" in r.content.decode()), bad


def test_other_agency_documents_absent(docs, login):
    org = docs
    from openpyxl import load_workbook

    r = login(org.district_clerk).get("/van-ban-di/so-van-ban-di/xuat.xlsx", Q4)
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN HUYỆN NGHI LỘC"
    values = [ws.cell(row=exports.XLSX_FIRST_DATA_ROW + i, column=1).value for i in range(3)]
    assert values == ["01/BC-UBND", None, None]
    # The province clerk received the Sở's document but its register holds only the province's own.
    r = login(org.province_clerk).get("/van-ban-di/so-van-ban-di/xuat.pdf", Q4)
    text = re.sub(r"\s+", " ", pdf_text(r.content))
    assert "SXD" not in text and "Không có văn bản nào trong kỳ." in text
    # Staff get no register.
    assert login(org.sxd_staff).get("/van-ban-di/so-van-ban-di/xuat.xlsx", Q4).status_code == 403


def test_empty_and_direct_builders(world):
    org = world
    data = exports.outgoing_register_pdf(
        OutgoingDocument.objects.none(), agency=org.sxd, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 12, 31)
    )
    assert data.startswith(b"%PDF-") and "Không có văn bản nào trong kỳ." in pdf_text(data)
    assert exports.outgoing_register_xlsx([], agency=org.sxd).startswith(b"PK")
    assert timezone.localdate()  # Vietnam time helpers are importable together
