"""Managing several incoming registers (sổ văn bản đến) per agency: services, screens, API, and the journal of
register changes and exports (SPEC §2, §8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.test_incoming_views import form_data
from vpdt.catalog.models import DocumentType
from vpdt.incoming import queries, services
from vpdt.incoming import register_services as rs
from vpdt.incoming.models import IncomingDocument, Register
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry

API = "/api/v1/incoming-registers/"
DOCS = "/api/v1/incoming-documents/"
BASE = "/van-ban-den/so/"


def page(response):
    return response.content.decode()


def register_options(response):
    html = page(response)
    return html.split('name="register"')[1].split("</select>")[0]


def defaults(agency):
    return list(Register.objects.filter(agency=agency, is_default=True).values_list("pk", flat=True))


def fields(**over):
    data = dict(
        issuer_name="Bộ Xây dựng",
        issuer_code="000.00.00.G12",
        code_number="15",
        code_notation="BXD-HTKT",
        issued_date=timezone.localdate() - dt.timedelta(days=3),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình quy hoạch",
    )
    data.update(over)
    return data


@pytest.fixture
def regs(org):
    """SXD with its default register and a second one; STTTT with its own."""
    main = services.default_register(org.sxd)
    second = rs.create_register(org.sxd_clerk, org.sxd, "Sổ văn bản đến điện tử", "VBĐ-ĐT")
    other = services.default_register(org.stttt)
    return main, second, other


# --- Services -----------------------------------------------------------------------------------------------------


def test_create_edit_and_exactly_one_default(org, regs):
    main, second, _ = regs
    assert not second.is_default and defaults(org.sxd) == [main.pk]
    third = rs.create_register(org.sxd_clerk, org.sxd, "Sổ đơn thư", "DON_THU", is_default=True)
    assert defaults(org.sxd) == [third.pk]
    rs.set_default(org.sxd_clerk, second)
    assert defaults(org.sxd) == [second.pk]
    rs.update_register(org.sxd_clerk, second, name="  Sổ   văn bản điện tử ", code="DT-2027")
    second.refresh_from_db()
    assert (second.name, second.code) == ("Sổ văn bản điện tử", "DT-2027")
    # The first register of an agency without one becomes its default.
    first = rs.create_register(org.province_admin, org.district, "Sổ văn bản đến", "VBD")
    assert first.is_default and defaults(org.district) == [first.pk]
    # Another agency's default is untouched.
    assert len(defaults(org.stttt)) == 1
    assert journal.verify().ok


@pytest.mark.parametrize(
    "name, code, field, message",
    [
        ("", "ABC", "name", "Tên sổ là bắt buộc."),
        ("Sổ", "", "code", "Mã sổ là bắt buộc."),
        ("Sổ", "CÓ KHOẢNG TRẮNG", "code", "Mã sổ chỉ gồm chữ cái"),
        ("Sổ", "A/B", "code", "Mã sổ chỉ gồm chữ cái"),
        ("Sổ", "X" * 21, "code", "tối đa 20 ký tự"),
        ("Sổ", "vbđ-đt", "code", "đã được dùng"),
    ],
)
def test_invalid_input_is_refused_in_vietnamese(org, regs, name, code, field, message):
    with pytest.raises(ValidationError) as exc:
        rs.create_register(org.sxd_clerk, org.sxd, name, code)
    assert any(message in m for m in exc.value.message_dict[field])
    assert Register.objects.filter(agency=org.sxd).count() == 2


def test_duplicate_code_in_another_agency_is_fine(org, regs):
    assert rs.create_register(org.province_admin, org.stttt, "Sổ văn bản đến điện tử", "VBĐ-ĐT").pk


def test_default_cannot_be_deactivated_and_inactive_cannot_be_default(org, regs):
    main, second, _ = regs
    with pytest.raises(ValidationError, match="Không thể ngừng sử dụng sổ mặc định"):
        rs.deactivate(org.sxd_clerk, main)
    with pytest.raises(ValidationError, match="Mỗi cơ quan phải có một sổ mặc định"):
        rs.update_register(org.sxd_clerk, main, is_default=False)
    rs.deactivate(org.sxd_clerk, second)
    second.refresh_from_db()
    assert not second.is_active
    with pytest.raises(ValidationError, match="ngừng sử dụng không thể làm sổ mặc định"):
        rs.set_default(org.sxd_clerk, second)
    rs.activate(org.sxd_clerk, second)
    second.refresh_from_db()
    assert second.is_active


def test_staff_and_other_agencies_cannot_manage(org, regs):
    main, second, other = regs
    for actor in (org.sxd_staff, org.sxd_leader, org.ht_admin):
        with pytest.raises(PermissionDenied):
            rs.update_register(actor, second, name="Đổi tên")
        with pytest.raises(PermissionDenied):
            rs.create_register(actor, org.sxd, "Sổ mới", "MOI")
    with pytest.raises(PermissionDenied):
        rs.set_default(org.sxd_clerk, other)
    # The agency's administrator and the province administrator above it may.
    rs.update_register(org.sxd_admin, second, name="Sổ điện tử")
    rs.update_register(org.province_admin, second, name="Sổ điện tử (tỉnh sửa)")


def test_register_changes_are_journaled(org, regs):
    main, second, _ = regs
    rs.update_register(org.sxd_clerk, second, name="Sổ điện tử")
    rs.set_default(org.sxd_clerk, second)
    rs.deactivate(org.sxd_clerk, main)
    rs.activate(org.sxd_clerk, main)
    entries = list(JournalEntry.objects.filter(object_type="incoming.register").order_by("seq"))
    assert [(e.action, e.object_id) for e in entries] == [
        ("incoming.register_created", str(second.pk)),
        ("incoming.register_updated", str(second.pk)),
        ("incoming.register_default_set", str(second.pk)),
        ("incoming.register_deactivated", str(main.pk)),
        ("incoming.register_activated", str(main.pk)),
    ]
    assert all(e.actor_id == org.sxd_clerk.pk and e.agency_id == org.sxd.pk for e in entries)
    assert entries[1].details["changes"] == {"name": ["Sổ văn bản đến điện tử", "Sổ điện tử"]}
    assert entries[2].details["previous_default"] == [main.pk]
    assert journal.verify().ok


# --- Registration offers only active registers ----------------------------------------------------------------


def test_inactive_register_not_offered_nor_accepted(org, regs, login, api):
    main, second, _ = regs
    rs.deactivate(org.sxd_clerk, second)
    c = login(org.sxd_clerk)
    form = register_options(c.get("/van-ban-den/vao-so/"))
    assert f'value="{main.pk}"' in form and f'value="{second.pk}"' not in form
    r = c.post("/van-ban-den/vao-so/", form_data(org, register=second.pk))
    assert r.status_code == 200 and not IncomingDocument.objects.exists()
    payload = {
        "register": second.pk,
        "issuer_name": "Bộ Xây dựng",
        "code_number": "15",
        "code_notation": "BXD",
        "issued_date": (timezone.localdate() - dt.timedelta(days=3)).strftime("%d/%m/%Y"),
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "subject": "V/v quy hoạch",
    }
    response = api(org.sxd_clerk).post(DOCS, payload, format="json")
    assert response.status_code == 400 and "register" in response.json()
    assert not IncomingDocument.objects.exists()
    # Still listed (it keeps its documents), and re-activated it is offered again.
    assert second.pk in [r["id"] for r in api(org.sxd_clerk).get(API).json()["results"]]
    rs.activate(org.sxd_clerk, second)
    assert f'value="{second.pk}"' in register_options(c.get("/van-ban-den/vao-so/"))


# --- Screens ----------------------------------------------------------------------------------------------------


def test_list_with_counts_and_link(org, regs, login):
    main, second, other = regs
    services.register_document(org.sxd_clerk, register=second, agency=org.sxd, **fields())
    services.register_document(org.sxd_clerk, register=second, agency=org.sxd, **fields(code_number="16"))
    c = login(org.sxd_clerk)
    assert BASE in page(c.get("/van-ban-den/")) and "Quản lý sổ văn bản đến" in page(c.get("/van-ban-den/"))
    html = page(c.get(BASE))
    assert "VBĐ-ĐT" in html
    assert f'data-testid="register-row-{other.pk}"' not in html
    assert f'data-testid="register-row-{main.pk}"' in html
    row = html.split(f'data-testid="register-row-{second.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row and f"/van-ban-den/so/{second.pk}/mac-dinh/" in row
    main_row = html.split(f'data-testid="register-row-{main.pk}"')[1].split("</tr>")[0]
    assert "Mặc định" in main_row and "/ngung/" not in main_row
    # Staff see the list but no management buttons, and no link on the register page.
    s = login(org.sxd_staff)
    staff_html = page(s.get(BASE))
    assert f'data-testid="register-row-{second.pk}"' in staff_html and "/sua/" not in staff_html
    assert "Quản lý sổ văn bản đến" not in page(s.get("/van-ban-den/"))


def test_create_edit_default_and_activation_through_screens(org, regs, login):
    main, second, _ = regs
    c = login(org.sxd_clerk)
    assert c.get(f"{BASE}them/").status_code == 200
    r = c.post(
        f"{BASE}them/", {"agency": org.sxd.pk, "name": "Sổ đơn thư", "code": "DON-THU", "is_default": "on"}, follow=True
    )
    assert "Đã thêm sổ “Sổ đơn thư”" in page(r)
    new = Register.objects.get(agency=org.sxd, code="DON-THU")
    assert defaults(org.sxd) == [new.pk]
    r = c.post(f"{BASE}{second.pk}/sua/", {"name": "Sổ điện tử", "code": "DT"}, follow=True)
    assert "Đã cập nhật sổ" in page(r)
    second.refresh_from_db()
    assert (second.name, second.code) == ("Sổ điện tử", "DT")
    c.post(f"{BASE}{main.pk}/mac-dinh/")
    assert defaults(org.sxd) == [main.pk]
    r = c.post(f"{BASE}{main.pk}/ngung/", follow=True)
    assert "Không thể ngừng sử dụng sổ mặc định" in page(r)
    main.refresh_from_db()
    assert main.is_active
    c.post(f"{BASE}{new.pk}/ngung/")
    new.refresh_from_db()
    assert not new.is_active
    c.post(f"{BASE}{new.pk}/dung-lai/")
    new.refresh_from_db()
    assert new.is_active
    assert c.get(f"{BASE}{main.pk}/mac-dinh/").status_code == 405


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "code": "ABC"}, "Tên sổ là bắt buộc."),
        ({"name": "Sổ", "code": ""}, "Mã sổ là bắt buộc."),
        ({"name": "Sổ", "code": "A B"}, "Mã sổ chỉ gồm chữ cái"),
        ({"name": "Sổ", "code": "X" * 25}, "Mã sổ dài tối đa 20 ký tự."),
        ({"name": "Sổ", "code": "VBĐ-ĐT"}, "đã được dùng cho một sổ khác"),
        ({"name": "Sổ", "code": "ABC", "agency": "abc"}, "Cơ quan: lựa chọn không hợp lệ."),
        ({"name": "Sổ", "code": "vbđ-đt"}, "đã được dùng cho một sổ khác"),
    ],
)
def test_bad_input_gives_vietnamese_form_errors(org, regs, login, data, message):
    c = login(org.sxd_clerk)
    r = c.post(f"{BASE}them/", {"agency": org.sxd.pk, **data})
    assert r.status_code == 200 and message in page(r)
    assert Register.objects.filter(agency=org.sxd).count() == 2


def test_edit_duplicate_code_is_a_form_error(org, regs, login):
    main, second, _ = regs
    r = login(org.sxd_clerk).post(f"{BASE}{second.pk}/sua/", {"name": "Sổ", "code": main.code})
    assert r.status_code == 200 and "đã được dùng cho một sổ khác" in page(r)


def test_cross_agency_404_and_staff_403(org, regs, login):
    main, second, other = regs
    c = login(org.sxd_clerk)
    for suffix, method in (
        ("sua/", "get"),
        ("sua/", "post"),
        ("mac-dinh/", "post"),
        ("ngung/", "post"),
        ("dung-lai/", "post"),
    ):
        assert getattr(c, method)(f"{BASE}{other.pk}/{suffix}").status_code == 404
    staff = login(org.sxd_staff)
    r = staff.get(f"{BASE}{second.pk}/sua/")
    assert r.status_code == 403 and "không có quyền quản lý sổ văn bản đến" in page(r)
    assert staff.post(f"{BASE}{second.pk}/mac-dinh/").status_code == 403
    assert staff.post(f"{BASE}{second.pk}/ngung/").status_code == 403
    r = staff.get(f"{BASE}them/")
    assert r.status_code == 403 and "Chỉ văn thư hoặc quản trị" in page(r)
    assert staff.post(f"{BASE}them/", {"name": "Sổ", "code": "X"}).status_code == 403
    assert defaults(org.sxd) == [main.pk] and Register.objects.filter(agency=org.sxd).count() == 2
    # A clerk cannot create a register in another agency by posting its id.
    r = c.post(f"{BASE}them/", {"agency": org.stttt.pk, "name": "Sổ", "code": "X"})
    assert r.status_code == 200 and not Register.objects.filter(code="X").exists()


# --- API ------------------------------------------------------------------------------------------------------------


def test_api_create_patch_and_actions(org, regs, api):
    main, second, other = regs
    clerk = api(org.sxd_clerk)
    r = clerk.post(API, {"name": "Sổ đơn thư", "code": "DON-THU"}, format="json")
    assert r.status_code == 201, r.content
    new = r.json()
    assert new["agency"] == org.sxd.pk and not new["is_default"] and new["is_active"]
    r = clerk.patch(f"{API}{new['id']}/", {"name": "Sổ đơn, thư"}, format="json")
    assert r.status_code == 200 and r.json()["name"] == "Sổ đơn, thư" and r.json()["code"] == "DON-THU"
    r = clerk.post(f"{API}{new['id']}/set-default/")
    assert r.status_code == 200 and r.json()["is_default"]
    assert defaults(org.sxd) == [new["id"]]
    r = clerk.post(f"{API}{new['id']}/deactivate/")
    assert r.status_code == 400 and "Không thể ngừng sử dụng sổ mặc định" in str(r.json())
    r = clerk.post(f"{API}{main.pk}/deactivate/")
    assert r.status_code == 200 and not r.json()["is_active"]
    r = clerk.post(f"{API}{main.pk}/activate/")
    assert r.status_code == 200 and r.json()["is_active"]
    assert clerk.put(f"{API}{main.pk}/", {"name": "X", "code": "X"}, format="json").status_code == 405


def test_api_errors_and_permissions(org, regs, api):
    main, second, other = regs
    clerk = api(org.sxd_clerk)
    r = clerk.post(API, {"name": "Sổ", "code": "VBĐ-ĐT"}, format="json")
    assert r.status_code == 400 and "đã được dùng" in r.json()["code"][0]
    r = clerk.post(API, {"code": "ABC"}, format="json")
    assert r.status_code == 400 and r.json()["name"] == ["Tên sổ là bắt buộc."]
    r = clerk.patch(f"{API}{second.pk}/", {"code": "có dấu cách"}, format="json")
    assert r.status_code == 400 and "Mã sổ chỉ gồm" in r.json()["code"][0]
    # Another agency's register: not found; creating there: forbidden.
    assert clerk.patch(f"{API}{other.pk}/", {"name": "X"}, format="json").status_code == 404
    assert clerk.post(f"{API}{other.pk}/set-default/").status_code == 404
    r = clerk.post(API, {"agency": org.stttt.pk, "name": "Sổ", "code": "X"}, format="json")
    assert r.status_code == 403 and "không có quyền" in r.json()["detail"]
    staff = api(org.sxd_staff)
    assert staff.get(f"{API}{second.pk}/").status_code == 200
    r = staff.patch(f"{API}{second.pk}/", {"name": "X"}, format="json")
    assert r.status_code == 403 and "không có quyền quản lý sổ văn bản đến" in r.json()["detail"]
    assert staff.post(f"{API}{second.pk}/deactivate/").status_code == 403
    assert staff.post(API, {"name": "Sổ", "code": "Y"}, format="json").status_code == 403
    second.refresh_from_db()
    assert second.name == "Sổ văn bản đến điện tử" and second.is_active


# --- Exports are journaled --------------------------------------------------------------------------------------


def test_exports_and_slip_are_journaled(org, regs, login):
    main, second, _ = regs
    doc = services.register_document(org.sxd_clerk, register=second, agency=org.sxd, **fields()).document
    c = login(org.sxd_clerk)
    outsider = login(org.ht_staff)
    before = JournalEntry.objects.count()
    for url, kind, fmt in (
        (f"/so-den/{second.pk}/xuat.pdf", "register", "pdf"),
        (f"/so-den/{second.pk}/xuat.xlsx", "register", "xlsx"),
        (f"/so-theo-doi/{second.pk}/xuat.xlsx", "followup", "xlsx"),
    ):
        r = c.get(url, {"date_from": "01/01/2026", "date_to": "31/03/2026"})
        assert r.status_code == 200, url
        entry = JournalEntry.objects.order_by("-seq").first()
        assert entry.action == "incoming.register_exported" and entry.actor_id == org.sxd_clerk.pk
        assert (entry.object_type, entry.object_id, entry.agency_id) == (
            "incoming.register",
            str(second.pk),
            org.sxd.pk,
        )
        assert entry.details | {"filename": None} == {
            "register": second.pk,
            "kind": kind,
            "format": fmt,
            "date_from": "2026-01-01",
            "date_to": "2026-03-31",
            "filename": None,
        }
        assert entry.ip
    r = c.get(f"/van-ban-den/{doc.pk}/phieu-giai-quyet.pdf")
    assert r.status_code == 200
    entry = JournalEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "incoming.slip_printed",
        "incoming.incomingdocument",
        str(doc.pk),
    )
    assert entry.details["register"] == second.pk
    assert JournalEntry.objects.count() == before + 4
    # Printing the slip is journaled but is not a processing step.
    assert "incoming.slip_printed" not in [item["action"] for item in queries.trail(doc)]
    # Failed or refused exports write nothing.
    assert c.get(f"/so-den/{second.pk}/xuat.pdf", {"date_from": "31/02/2026"}).status_code == 400
    assert c.get(f"/so-den/{second.pk}/xuat.doc").status_code == 404
    assert outsider.get(f"/so-den/{second.pk}/xuat.pdf").status_code == 404
    assert JournalEntry.objects.count() == before + 4
    assert journal.verify().ok


def test_inactive_register_still_exported(org, regs, login):
    main, second, _ = regs
    services.register_document(org.sxd_clerk, register=second, agency=org.sxd, **fields())
    rs.deactivate(org.sxd_clerk, second)
    r = login(org.sxd_clerk).get(f"/so-den/{second.pk}/xuat.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


# --- Bad input never gives a 500 --------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [999999, 99999999999999999999])
def test_missing_registers_are_404(org, regs, login, api, missing):
    c = login(org.sxd_clerk)
    assert c.get(f"{BASE}{missing}/sua/").status_code == 404
    for suffix in ("mac-dinh/", "ngung/", "dung-lai/"):
        assert c.post(f"{BASE}{missing}/{suffix}").status_code == 404
    clerk = api(org.sxd_clerk)
    assert clerk.patch(f"{API}{missing}/", {"name": "X"}, format="json").status_code == 404
    assert clerk.post(f"{API}{missing}/set-default/").status_code == 404


def test_garbage_api_bodies_are_400_in_vietnamese(org, regs, api):
    clerk = api(org.sxd_clerk)
    r = clerk.post(API, {"name": "S" * 300, "code": "DAI"}, format="json")
    assert r.status_code == 400 and "Tên sổ dài tối đa 200 ký tự." in r.json()["name"]
    r = clerk.post(API, {"name": "Sổ", "code": "ABC", "agency": "không-phải-số"}, format="json")
    assert r.status_code == 400 and r.json()["agency"] == ["Cơ quan không hợp lệ."]
    r = clerk.post(API, {"name": "Sổ", "code": "ABC", "agency": 99999999999999999999}, format="json")
    assert r.status_code == 400
    r = clerk.post(API, "{không phải json", content_type="application/json")
    assert r.status_code == 400 and "định dạng" in r.json()["detail"]
    # Control characters are removed where input comes in (vpdt.core.text), before any rule sees them.
    r = clerk.patch(f"{API}{regs[1].pk}/", {"code": "X\x00Y", "name": "Sổ\x00 mới\x1b"}, format="json")
    assert r.status_code == 200 and (r.json()["code"], r.json()["name"]) == ("XY", "Sổ mới")
    assert Register.objects.filter(agency=org.sxd).count() == 2


def test_province_admin_chooses_the_agency(org, regs, login):
    c = login(org.province_admin)
    form = page(c.get(f"{BASE}them/"))
    assert f'<option value="{org.district.pk}">' in form and f'<option value="{org.other_province.pk}">' not in form
    r = c.post(f"{BASE}them/", {"agency": org.district.pk, "name": "Sổ văn bản đến", "code": "VBD"}, follow=True)
    assert "Đã thêm sổ" in page(r)
    assert Register.objects.get(agency=org.district).is_default
    r = c.post(f"{BASE}them/", {"agency": org.other_province.pk, "name": "Sổ", "code": "X"})
    assert r.status_code == 200 and "Cơ quan: lựa chọn không hợp lệ." in page(r)
    html = page(c.get(BASE))
    assert org.sxd.name in html and org.district.name in html
