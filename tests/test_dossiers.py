"""Work dossiers (hồ sơ công việc): file list, filing completed documents, totals, the no-removal rule,
chronological export (PDF + XML manifest), screens, API and visibility."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time
from lxml import etree
from pypdf import PdfReader

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.core.authz import visible
from vpdt.directory.models import Role
from vpdt.dossiers import exports
from vpdt.dossiers import services as dossiers
from vpdt.dossiers.models import Dossier, DossierItem, DossierStatus, Rights
from vpdt.incoming import services as incoming
from vpdt.journal.models import JournalEntry
from vpdt.journal.services import verify


def pdf_bytes(pages: int, label: str = "Trang") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"{label} {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def completed_doc(org, *, number: str, issued: dt.date, subject: str, files=(), page_amount=None, handler=None):
    """A document carried through registration, direction and completion by ``handler`` (default: staff)."""
    handler = handler or org.sxd_staff
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Bộ Xây dựng",
        code_number=number,
        code_notation="BXD-KTXD",
        issued_date=issued,
        page_amount=page_amount,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        files=list(files),
    ).document
    if doc.status == "registered":
        incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
        doc.refresh_from_db()
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao chị Lan xử lý, báo cáo kết quả.",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        targets=[incoming.Target("lead", user=handler)],
    )
    assignment = doc.assignments.get(role="lead")
    incoming.complete(handler, assignment, "Đã tham mưu văn bản trả lời.")
    doc.refresh_from_db()
    assert doc.status == "completed"
    return doc


@pytest.fixture
def dossier(org):
    return dossiers.create_dossier(org.sxd_staff, title="Hồ sơ về định mức dự toán xây dựng năm 2026", year=2026)


# ------------------------------------------------------------------------------------------ services


def test_create_derives_code_ordinal_and_unit(org, dossier):
    assert dossier.ordinal == 1
    assert dossier.unit == org.sxd_khtc
    assert dossier.file_code == "01.KHTC"
    assert dossier.file_list.year == 2026 and dossier.file_list.agency == org.sxd
    second = dossiers.create_dossier(org.sxd_clerk, title="Hồ sơ hội nghị tổng kết", year=2026, unit=org.sxd_vp)
    assert (second.ordinal, second.file_code) == (2, "02.VP")
    other_year = dossiers.create_dossier(org.sxd_clerk, title="Hồ sơ năm sau", year=2027)
    assert other_year.ordinal == 1
    assert JournalEntry.objects.filter(action="dossier.create").count() == 3


def test_create_validates_in_vietnamese(org, dossier):
    with pytest.raises(ValidationError) as err:
        dossiers.create_dossier(org.sxd_staff, title="  ", year=2026)
    assert "Tiêu đề hồ sơ là bắt buộc." in str(err.value)
    with pytest.raises(ValidationError) as err:
        dossiers.create_dossier(org.sxd_staff, title="Trùng mã", year=2026, file_code="01.KHTC")
    assert "đã có trong danh mục" in str(err.value)
    with pytest.raises(ValidationError) as err:
        dossiers.create_dossier(org.sxd_staff, title="Sai đơn vị", year=2026, unit=org.sxd_vp)
    assert "đơn vị mình công tác" in str(err.value)
    with pytest.raises(ValidationError):
        dossiers.create_dossier(org.sxd_staff, title="Mã lạ", year=2026, file_code="01 <script>")
    with pytest.raises(ValidationError):
        dossiers.create_dossier(org.sxd_staff, title="Năm lạ", year=1800)
    assert Dossier.objects.count() == 1


def test_filing_totals_dates_and_several_dossiers(org, dossier):
    first = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức dự toán", page_amount=4)
    second = completed_doc(
        org,
        number="2488",
        issued=dt.date(2026, 1, 15),
        subject="V/v đơn giá nhân công",
        files=[SimpleUploadedFile("dg.pdf", pdf_bytes(3))],
    )
    other = dossiers.create_dossier(org.sxd_staff, title="Hồ sơ giá xây dựng", year=2026)
    dossiers.file_document(org.sxd_staff, first, [dossier])
    dossiers.file_document(org.sxd_staff, second, [dossier, other])
    dossier.refresh_from_db()
    other.refresh_from_db()
    assert (dossier.doc_total, dossier.page_total) == (2, 7)  # 4 as registered + 3 counted from the PDF
    assert (dossier.start_date, dossier.end_date) == (dt.date(2026, 1, 15), dt.date(2026, 3, 2))
    assert (other.doc_total, other.page_total) == (1, 3)
    assert [i.incoming_id for i in dossiers.items_of(org.sxd_staff, dossier)] == [second.pk, first.pk]
    assert JournalEntry.objects.filter(action="dossier.file").count() == 3
    assert JournalEntry.objects.filter(action="incoming.filed", object_id=str(second.pk)).count() == 2


def test_filing_rules(org, dossier):
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức dự toán")
    open_doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name="Bộ Xây dựng",
        code_number="77",
        code_notation="BXD-VP",
        issued_date=dt.date(2026, 3, 3),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v chưa xử lý xong",
    ).document
    with pytest.raises(ValidationError, match="đã hoàn thành"):
        dossiers.file_document(org.sxd_clerk, open_doc, [dossier])
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    with pytest.raises(ValidationError, match="đã có trong hồ sơ"):
        dossiers.file_document(org.sxd_staff, doc, [dossier])
    # Someone who cannot open the document cannot file it, even into a dossier of their own unit.
    vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    own = dossiers.create_dossier(vp_staff, title="Hồ sơ văn phòng", year=2026)
    with pytest.raises(PermissionDenied):
        dossiers.file_document(vp_staff, doc, [own])
    # The clerk sees the document but does not keep... actually clerks keep every dossier of the agency.
    dossiers.file_document(org.sxd_clerk, doc, [own])
    # A closed dossier takes nothing more.
    dossiers.transition(org.sxd_staff, dossier, "close")
    doc2 = completed_doc(org, number="2502", issued=dt.date(2026, 3, 4), subject="V/v khác")
    with pytest.raises((ValidationError, PermissionDenied)):
        dossiers.file_document(org.sxd_staff, doc2, [dossier])
    # All or nothing: one bad dossier in the list files nothing.
    fresh = dossiers.create_dossier(org.sxd_staff, title="Hồ sơ mới", year=2026)
    with pytest.raises((ValidationError, PermissionDenied)):
        dossiers.file_document(org.sxd_staff, doc2, [fresh, dossier])
    assert not DossierItem.objects.filter(incoming=doc2).exists()
    fresh.refresh_from_db()
    assert fresh.doc_total == 0


def test_removal_only_by_admin_with_reason_and_journaled(org, dossier):
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức", page_amount=2)
    item = dossiers.file_document(org.sxd_staff, doc, [dossier])[0]
    for actor in (org.sxd_staff, org.sxd_clerk, org.sxd_leader, org.sxd_unit_leader, org.province_admin):
        with pytest.raises(PermissionDenied):
            dossiers.remove_item(actor, item, "Đưa nhầm hồ sơ, cần chuyển sang hồ sơ khác")
    with pytest.raises(ValidationError, match="lý do"):
        dossiers.remove_item(org.sxd_admin, item, "nhầm")
    dossiers.remove_item(org.sxd_admin, item, "Đưa nhầm hồ sơ, cần chuyển sang hồ sơ khác")
    item.refresh_from_db()
    dossier.refresh_from_db()
    assert item.removed_at is not None and item.removed_by == org.sxd_admin
    assert (dossier.doc_total, dossier.page_total, dossier.start_date) == (0, 0, None)
    entry = JournalEntry.objects.get(action="dossier.remove_item")
    assert entry.details["reason"] == "Đưa nhầm hồ sơ, cần chuyển sang hồ sơ khác"
    assert entry.actor_id == org.sxd_admin.pk
    assert DossierItem.objects.filter(pk=item.pk).exists()  # kept, never deleted
    # It may be filed again after the withdrawal.
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    assert verify().ok


def test_lifecycle_and_archive_deadline(org, dossier):
    with pytest.raises(ValidationError, match="chưa có văn bản"):
        dossiers.transition(org.sxd_staff, dossier, "close")
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức")
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    with freeze_time("2026-12-01 09:00:00+07:00"):
        dossier = dossiers.transition(org.sxd_staff, dossier, "close")
    assert dossier.status == DossierStatus.CLOSED
    state = dossiers.archive_state(dossier, dt.date(2027, 6, 1))
    assert state.level == "" and state.deadline == dt.date(2027, 12, 1)
    assert dossiers.archive_state(dossier, dt.date(2027, 11, 5)).level == "soon"
    assert dossiers.archive_state(dossier, dt.date(2027, 12, 2)).level == "late"
    assert not Dossier.objects.filter(dossiers.archive_due_filter(dt.date(2027, 6, 1))).exists()
    assert Dossier.objects.filter(dossiers.archive_due_filter(dt.date(2027, 11, 5))).exists()
    with pytest.raises(PermissionDenied, match="văn thư"):
        dossiers.transition(org.sxd_staff, dossier, "archive")
    dossier = dossiers.transition(org.sxd_clerk, dossier, "archive")
    assert dossier.status == DossierStatus.ARCHIVED and dossier.archived_at
    with pytest.raises(ValidationError):
        dossiers.transition(org.sxd_clerk, dossier, "reopen")
    assert list(
        JournalEntry.objects.filter(action__in=["dossier.close", "dossier.archive"])
        .values_list("action", flat=True)
        .order_by("seq")
    ) == ["dossier.close", "dossier.archive"]


def test_update_only_while_open_and_by_keepers(org, dossier):
    dossiers.update_dossier(org.sxd_staff, dossier, title="Hồ sơ định mức (sửa)", rights=Rights.RESTRICTED)
    dossier.refresh_from_db()
    assert dossier.title == "Hồ sơ định mức (sửa)" and dossier.rights == Rights.RESTRICTED
    assert JournalEntry.objects.filter(action="dossier.update").exists()
    with pytest.raises(PermissionDenied):
        dossiers.update_dossier(org.stttt_staff, dossier, title="Không được")
    with pytest.raises(ValidationError):
        dossiers.update_dossier(org.sxd_staff, dossier, status="archived")


# ------------------------------------------------------------------------------------------ visibility

VIEW_ROWS = [
    ("sxd_staff", True, True),  # keeps it
    ("sxd_unit_leader", True, True),  # leads its unit
    ("sxd_clerk", True, True),  # agency clerk
    ("sxd_leader", True, False),  # agency leader: sees, does not keep
    ("sxd_admin", True, False),  # agency administrator: sees (to withdraw items), does not keep
    ("stttt_staff", False, False),
    ("province_admin", False, False),
    ("ht_staff", False, False),
]


@pytest.mark.parametrize("viewer,sees,keeps", VIEW_ROWS)
def test_dossier_visibility_channels_agree(org, dossier, login, api, viewer, sees, keeps):
    user = getattr(org, viewer)
    assert visible(Dossier, user).filter(pk=dossier.pk).exists() is sees
    from vpdt.core.authz import manageable

    assert manageable(Dossier, user).filter(pk=dossier.pk).exists() is keeps
    web = login(user)
    assert (dossier.title in web.get("/ho-so/", {"year": 2026}).content.decode()) is sees
    assert web.get(f"/ho-so/{dossier.pk}/").status_code == (200 if sees else 404)
    assert web.get(f"/ho-so/{dossier.pk}/xuat.xml").status_code == (200 if sees else 404)
    client = api(user)
    ids = [r["id"] for r in client.get("/api/v1/dossiers/", {"page_size": 200}).json()["results"]]
    assert (dossier.pk in ids) is sees
    assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == (200 if sees else 404)


def test_restricted_dossier_hidden_from_unit_members_and_items_trimmed(org, dossier):
    colleague = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    assert visible(Dossier, colleague).filter(pk=dossier.pk).exists()
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức bí mật nội bộ")
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    # The colleague sees the dossier but not the document: the item is not listed to them.
    assert list(dossiers.items_of(colleague, dossier)) == []
    assert len(list(dossiers.items_of(org.sxd_staff, dossier))) == 1
    dossiers.update_dossier(org.sxd_staff, dossier, rights=Rights.RESTRICTED)
    assert not visible(Dossier, colleague).filter(pk=dossier.pk).exists()
    assert visible(Dossier, org.sxd_unit_leader).filter(pk=dossier.pk).exists()


# ------------------------------------------------------------------------------------------ exports


def test_export_pdf_and_manifest_in_chronological_order(org, dossier):
    first = completed_doc(
        org,
        number="2501",
        issued=dt.date(2026, 3, 2),
        subject="V/v định mức dự toán",
        files=[SimpleUploadedFile("a.pdf", pdf_bytes(2, "Dinh muc"))],
    )
    second = completed_doc(
        org,
        number="2488",
        issued=dt.date(2026, 1, 15),
        subject="V/v đơn giá nhân công",
        files=[SimpleUploadedFile("b.png", png_bytes())],
    )
    third = completed_doc(
        org,
        number="2510",
        issued=dt.date(2026, 5, 5),
        subject="V/v tệp hỏng",
        files=[SimpleUploadedFile("c.pdf", pdf_bytes(1))],
        page_amount=1,
    )
    for doc in (first, second, third):
        dossiers.file_document(org.sxd_staff, doc, [dossier])
    # Damage the third file in storage: the export still succeeds, with a page that says so.
    from django.core.files.storage import default_storage

    stored = third.attachments.get().file
    with default_storage.open(stored.name, "wb") as fh:
        fh.write(b"not a pdf any more")
    dossier.refresh_from_db()
    items = list(dossiers.items_of(org.sxd_staff, dossier).prefetch_related("incoming__attachments__file"))
    data = exports.dossier_pdf(dossier, items)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "MỤC LỤC VĂN BẢN" in text and dossier.file_code in text
    assert text.index("2488/BXD-KTXD") < text.index("2501/BXD-KTXD") < text.index("2510/BXD-KTXD")
    assert "Dinh muc 1" in text and "Dinh muc 2" in text
    assert "Không đọc được tệp" in text
    front = len(reader.pages) - 4  # png 1 page + pdf 2 pages + placeholder 1 page
    assert front >= 2

    root = etree.fromstring(exports.manifest_xml(dossier, items))
    ns = {"d": exports.MANIFEST_NS}
    assert root.findtext("d:FileCode", namespaces=ns) == dossier.file_code
    assert root.findtext("d:DocTotal", namespaces=ns) == "3"
    numbers = [d.findtext("d:CodeNumber", namespaces=ns) for d in root.iterfind("d:Documents/d:Document", ns)]
    assert numbers == ["2488", "2501", "2510"]
    files = root.findall("d:Documents/d:Document/d:Files/d:File", ns)
    assert files[0].get("sha256") == second.attachments.get().file.sha256


def test_export_views_journal_and_filename(org, dossier, login):
    doc = completed_doc(
        org,
        number="2501",
        issued=dt.date(2026, 3, 2),
        subject="V/v định mức",
        files=[SimpleUploadedFile("a.pdf", pdf_bytes(1))],
    )
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    web = login(org.sxd_staff)
    response = web.get(f"/ho-so/{dossier.pk}/xuat.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "ho-so-2026-01-KHTC.pdf" in response["Content-Disposition"]
    response = web.get(f"/ho-so/{dossier.pk}/xuat.xml")
    assert response.status_code == 200 and b"<FileCode>01.KHTC</FileCode>" in response.content
    assert web.get(f"/ho-so/{dossier.pk}/xuat.doc").status_code == 404
    assert JournalEntry.objects.filter(action="dossier.export").count() == 2
    xlsx = web.get("/ho-so/danh-muc/2026.xlsx")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "DANH MỤC HỒ SƠ NĂM 2026"
    assert sheet["A5"].value == "01.KHTC" and sheet["E5"].value == 1


# ------------------------------------------------------------------------------------------ screens


def test_screens_create_file_close_and_remove(org, login):
    staff = login(org.sxd_staff)
    response = staff.post("/ho-so/lap-moi/", {"title": "", "year": "abc", "maintenance": "x", "rights": "open"})
    page = response.content.decode()
    assert response.status_code == 200 and "Tiêu đề hồ sơ là bắt buộc." in page and "Năm không hợp lệ." in page
    response = staff.post(
        "/ho-so/lap-moi/",
        {
            "title": "Hồ sơ thẩm định dự án nhà ở xã hội",
            "year": "2026",
            "maintenance": "20",
            "rights": "open",
            "language": "Tiếng Việt",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.maintenance == "20"
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v thẩm định dự án nhà ở")
    panel = staff.get(f"/ho-so/van-ban-den/{doc.pk}/").content.decode()
    assert dossier.file_code in panel and 'name="dossiers"' in panel
    response = staff.post(f"/ho-so/van-ban-den/{doc.pk}/", {"dossiers": ["abc"]}, follow=True)
    assert "Chọn ít nhất một hồ sơ hợp lệ." in response.content.decode()
    response = staff.post(f"/ho-so/van-ban-den/{doc.pk}/", {"dossiers": [str(dossier.pk)]}, follow=True)
    assert f"Đã đưa văn bản vào hồ sơ {dossier.file_code}." in response.content.decode()
    detail = staff.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "V/v thẩm định dự án nhà ở" in detail and "Rút khỏi hồ sơ" not in detail
    # Staff cannot withdraw; the administrator can, with a reason.
    item = DossierItem.objects.get()
    response = staff.post(f"/ho-so/{dossier.pk}/rut/{item.pk}/", {"reason": "Đưa nhầm hồ sơ khác"}, follow=True)
    assert "Không được rút văn bản" in response.content.decode()
    admin = login(org.sxd_admin)
    assert "Rút khỏi hồ sơ" in admin.get(f"/ho-so/{dossier.pk}/").content.decode()
    response = admin.post(f"/ho-so/{dossier.pk}/rut/{item.pk}/", {"reason": ""}, follow=True)
    assert "Lý do rút khỏi hồ sơ là bắt buộc." in response.content.decode()
    response = admin.post(
        f"/ho-so/{dossier.pk}/rut/{item.pk}/", {"reason": "Đưa nhầm, thuộc hồ sơ dự án khác"}, follow=True
    )
    assert "Đã rút văn bản khỏi hồ sơ" in response.content.decode()
    # Close: refused while empty, with a clear message; unknown actions are 404.
    response = staff.post(f"/ho-so/{dossier.pk}/chuyen/close/", follow=True)
    assert "chưa có văn bản" in response.content.decode()
    assert staff.post(f"/ho-so/{dossier.pk}/chuyen/xoa/").status_code == 404
    assert staff.get(f"/ho-so/{dossier.pk}/chuyen/close/").status_code == 405
    listing = staff.get("/ho-so/", {"year": "2026", "status": "open", "q": "nhà ở"}).content.decode()
    assert dossier.file_code in listing
    assert "Trạng thái không hợp lệ." in staff.get("/ho-so/", {"status": "zzz"}).content.decode()
    assert staff.get("/ho-so/danh-muc/", {"year": "2026"}).status_code == 200


def test_incoming_detail_links_the_panel(org, login):
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v định mức")
    page = login(org.sxd_staff).get(f"/van-ban-den/{doc.pk}/").content.decode()
    assert f"/ho-so/van-ban-den/{doc.pk}/" in page
    assert login(org.stttt_staff).get(f"/ho-so/van-ban-den/{doc.pk}/").status_code == 404


def test_list_queries_do_not_grow(org, login, django_assert_max_num_queries):
    for n in range(30):
        dossiers.create_dossier(org.sxd_clerk, title=f"Hồ sơ số {n}", year=2026)
    web = login(org.sxd_clerk)
    with django_assert_max_num_queries(12):
        assert web.get("/ho-so/", {"year": 2026}).status_code == 200


# ------------------------------------------------------------------------------------------ API


def test_api_full_cycle(org, api):
    staff = api(org.sxd_staff)
    response = staff.post(
        "/api/v1/dossiers/",
        {"title": "Hồ sơ quy hoạch xây dựng vùng huyện", "year": 2026, "maintenance": "permanent"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_code"] == "01.KHTC" and body["maintenance_display"] == "Vĩnh viễn"
    pk = body["id"]
    assert staff.post("/api/v1/dossiers/", {"title": ""}, format="json").status_code == 400
    assert staff.post("/api/v1/dossiers/", {"title": "X", "maintenance": "99"}, format="json").status_code == 400
    response = staff.patch(f"/api/v1/dossiers/{pk}/", {"description": "Theo Quyết định số 12/QĐ-UBND"}, format="json")
    assert response.status_code == 200 and response.json()["description"].startswith("Theo")
    doc = completed_doc(org, number="2501", issued=dt.date(2026, 3, 2), subject="V/v quy hoạch", page_amount=5)
    response = staff.post("/api/v1/dossiers/file/", {"incoming": doc.pk, "dossiers": [pk]}, format="json")
    assert response.status_code == 201, response.content
    item_id = response.json()[0]["id"]
    assert (
        staff.post("/api/v1/dossiers/file/", {"incoming": doc.pk, "dossiers": [pk]}, format="json").status_code == 400
    )
    assert (
        staff.post("/api/v1/dossiers/file/", {"incoming": 99999999, "dossiers": [pk]}, format="json").status_code == 400
    )
    items = staff.get(f"/api/v1/dossiers/{pk}/items/").json()
    assert [i["incoming"] for i in items] == [doc.pk]
    assert staff.get(f"/api/v1/dossiers/{pk}/").json()["page_total"] == 5
    assert (
        staff.post(f"/api/v1/dossier-items/{item_id}/remove/", {"reason": "Đưa nhầm hồ sơ"}, format="json").status_code
        == 403
    )
    admin = api(org.sxd_admin)
    response = admin.post(
        f"/api/v1/dossier-items/{item_id}/remove/", {"reason": "Đưa nhầm, thuộc hồ sơ khác"}, format="json"
    )
    assert response.status_code == 200 and response.json()["removed_at"]
    staff.post("/api/v1/dossiers/file/", {"incoming": doc.pk, "dossiers": [pk]}, format="json")
    response = staff.post(f"/api/v1/dossiers/{pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert staff.post(f"/api/v1/dossiers/{pk}/archive/").status_code == 403
    assert api(org.sxd_clerk).post(f"/api/v1/dossiers/{pk}/archive/").json()["status"] == "archived"
    pdf = staff.get(f"/api/v1/dossiers/{pk}/export-pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xml = staff.get(f"/api/v1/dossiers/{pk}/manifest/")
    assert xml.status_code == 200 and "<Title>Hồ sơ quy hoạch" in xml.content.decode()
    assert staff.get("/api/v1/dossiers/", {"status": "zzz"}).status_code == 400
    assert staff.get("/api/v1/dossiers/", {"year": "abc"}).status_code == 400
    assert staff.get("/api/v1/dossiers/", {"year": 2026, "status": "archived"}).json()["results"][0]["id"] == pk
    assert api(org.stttt_staff).get(f"/api/v1/dossiers/{pk}/items/").status_code == 404


def test_export_carries_only_documents_the_exporter_may_read(org, dossier, login, api):
    """The agency administrator sees an item in the list (to withdraw it) but never its content: the export they
    download leaves out the documents they may not read, on the screen and through the API."""
    from pypdf import PdfReader

    doc = completed_doc(
        org,
        number="2601",
        issued=dt.date(2026, 4, 6),
        subject="V/v kiểm tra chất lượng công trình",
        files=[SimpleUploadedFile("kiem-tra.pdf", pdf_bytes(3, "Bien ban kiem tra so 2601"))],
    )
    dossiers.file_document(org.sxd_staff, doc, [dossier])
    web = login(org.sxd_admin)
    assert "V/v kiểm tra chất lượng công trình" in web.get(f"/ho-so/{dossier.pk}/").content.decode()
    xml = web.get(f"/ho-so/{dossier.pk}/xuat.xml").content.decode()
    assert "kiểm tra chất lượng công trình" not in xml and "2601" not in xml
    staff_xml = login(org.sxd_staff).get(f"/ho-so/{dossier.pk}/xuat.xml").content.decode()
    assert "kiểm tra chất lượng công trình" in staff_xml and "2601" in staff_xml

    def pages(user):
        response = api(user).get(f"/api/v1/dossiers/{dossier.pk}/export-pdf/")
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        return len(reader.pages), "".join(page.extract_text() for page in reader.pages)

    admin_pages, admin_text = pages(org.sxd_admin)
    staff_pages, staff_text = pages(org.sxd_staff)
    assert "Bien ban kiem tra" in staff_text and "Bien ban kiem tra" not in admin_text
    assert staff_pages >= admin_pages + 3


def test_only_a_delegation_of_incoming_work_opens_the_leaders_dossiers(org, dossier):
    from vpdt.accounts.models import User
    from vpdt.delegation import services as delegation

    approval = make_person(org.sxd, "Nguyễn Văn Hùng", Role.STAFF, org.sxd_vp, title="Chánh Văn phòng")
    incoming_work = make_person(org.sxd, "Trần Quốc Bảo", Role.STAFF, org.sxd_vp, title="Phó Chánh Văn phòng")
    today = timezone.localdate()
    for delegate, scope in ((approval, "approval"), (incoming_work, "incoming")):
        delegation.create(
            org.sxd_leader,
            delegator=org.sxd_leader,
            delegate=delegate,
            scope=scope,
            starts_on=today,
            ends_on=today + dt.timedelta(days=10),
            reason="Đi công tác",
        )
    assert not visible(Dossier, User.objects.get(pk=approval.pk)).filter(pk=dossier.pk).exists()
    assert visible(Dossier, User.objects.get(pk=incoming_work.pk)).filter(pk=dossier.pk).exists()
