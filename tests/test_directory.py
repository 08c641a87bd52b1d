"""The directory admin screens and API, end to end: agencies, units, positions, and the journal."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core.authz import manageable, scope_of, visible
from vpdt.directory.models import Agency, Level, Position, Role, Unit, validate_organ_id
from vpdt.journal.models import JournalEntry

LEVEL_MESSAGE = "Cấp của cơ quan không được cao hơn cấp của cơ quan cấp trên."
CODE_MESSAGE = "Mã định danh không hợp lệ"


def journal(action, obj):
    return list(JournalEntry.objects.filter(action=action, object_id=str(obj.pk)).order_by("seq"))


def fresh(user):
    """A new instance, so the cached authorization scope is rebuilt."""
    return User.objects.get(pk=user.pk)


def agency_post(**fields):
    data = {
        "name": "Sở Tư pháp tỉnh Nghệ An",
        "short_name": "STP",
        "code": "000.00.19.H41",
        "level": Level.PROVINCE,
        "address": "Số 3 Trường Thi, TP Vinh",
        "phone": "0238 3844 256",
        "email": "stp@nghean.gov.vn",
        "is_active": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# ------------------------------------------------------------------------------------------------
# Agencies (HTML)
# ------------------------------------------------------------------------------------------------


def test_province_admin_creates_agency_under_province(org, login):
    c = login(org.province_admin)
    form = c.get("/danh-ba/co-quan/them/")
    assert form.status_code == 200
    html = form.content.decode()
    assert f'<option value="{org.sxd.pk}">' in html
    assert f'<option value="{org.other_province.pk}">' not in html  # only the own province is offered

    response = c.post("/danh-ba/co-quan/them/", agency_post(parent=org.province.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    agency = Agency.objects.get(code="000.00.19.H41")
    assert response["Location"] == f"/danh-ba/co-quan/{agency.pk}/"
    assert agency.depth == org.province.depth + 1 == 2
    assert Agency.objects.get_parent(agency).pk == org.province.pk
    assert agency.path.startswith(Agency.objects.get(pk=org.province.pk).path)
    assert (agency.name, agency.short_name, agency.level) == ("Sở Tư pháp tỉnh Nghệ An", "STP", Level.PROVINCE)

    listing = c.get("/danh-ba/co-quan/").content.decode()
    assert f'<td class="tree-indent-2"><a href="/danh-ba/co-quan/{agency.pk}/">Sở Tư pháp tỉnh Nghệ An</a>' in listing
    detail = c.get(f"/danh-ba/co-quan/{agency.pk}/").content.decode()
    assert "000.00.19.H41" in detail and org.province.name in detail
    assert "Sở Tư pháp tỉnh Nghệ An" in c.get(f"/danh-ba/co-quan/{org.province.pk}/").content.decode()

    [entry] = journal("directory.agency.create", agency)
    assert entry.actor_id == org.province_admin.pk
    assert entry.agency_id == agency.pk
    assert entry.details == {"parent": org.province.pk, "code": "000.00.19.H41"}
    # The new agency is immediately inside the province admin's scope.
    assert manageable(Agency, fresh(org.province_admin)).filter(pk=agency.pk).exists()


def test_agency_tree_depth_for_commune_under_district(org, login):
    c = login(org.province_admin)
    response = c.post(
        "/danh-ba/co-quan/them/",
        agency_post(
            parent=org.district.pk,
            name="Ủy ban nhân dân xã Nghi Xuân",
            short_name="UBND",
            code="000.31.07.H41",
            level=Level.COMMUNE,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    commune = Agency.objects.get(code="000.31.07.H41")
    assert commune.depth == 3
    assert Agency.objects.get_parent(commune).pk == org.district.pk
    assert 'class="tree-indent-3"' in c.get("/danh-ba/co-quan/?level=4").content.decode()


def test_child_level_higher_than_parent_is_refused(org, login):
    before = (Agency.objects.count(), JournalEntry.objects.filter(action="directory.agency.create").count())
    response = login(org.province_admin).post(
        "/danh-ba/co-quan/them/",
        agency_post(parent=org.district.pk, name="Sở Nội vụ tỉnh Nghệ An", short_name="SNV", level=Level.PROVINCE),
    )
    assert response.status_code == 200
    assert LEVEL_MESSAGE in response.content.decode()
    assert (Agency.objects.count(), JournalEntry.objects.filter(action="directory.agency.create").count()) == before


@pytest.mark.parametrize(
    "code",
    [
        "ABC",
        "h41.15",
        "H41.1",
        "000.00.00.H4",
        "00.00.00.H41",
        "H41.15.03.01",
        "000.00.00.H41.",
        "000 00 19 H41",
        "H41.15.03.001.002",
        "Н41.15",
    ],
)
def test_bad_organ_id_is_refused_in_vietnamese(org, login, code):
    before = Agency.objects.count()
    response = login(org.province_admin).post("/danh-ba/co-quan/them/", agency_post(parent=org.province.pk, code=code))
    assert response.status_code == 200
    html = response.content.decode()
    assert CODE_MESSAGE in html
    assert "000.00.00.H41 (QCVN 102:2016)" in html and "QĐ 20/2020/QĐ-TTg" in html
    assert Agency.objects.count() == before


def test_duplicate_organ_id_is_refused(org, login):
    before = Agency.objects.count()
    response = login(org.province_admin).post(
        "/danh-ba/co-quan/them/", agency_post(parent=org.province.pk, code=org.sxd.code)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "đã tồn tại" in html and "Mã định danh" in html
    assert Agency.objects.count() == before


@pytest.mark.parametrize(
    "code", ["H41.15", "H41.15.03", "H41.15.03.001", "H41", "000.00.00.H41", "000.12.31.H42", "H41.001"]
)
def test_organ_id_formats_accepted(code):
    validate_organ_id(code)


@pytest.mark.parametrize(
    "code",
    [
        "ABC",
        "",
        "H41.15.03.01",
        "000.00.00.h41",
        "000-00-00-H41",
        "000.00.00.H41\n",
        "０００.００.００.H41",
        "000.00.١٢.H41",
        "H٤١.15",
    ],
)
def test_organ_id_validator_rejects(code):
    with pytest.raises(ValidationError, match="Mã định danh không hợp lệ"):
        validate_organ_id(code)


@pytest.mark.parametrize("code", ["H41.15", "H41.15.03.001", "000.00.20.H41"])
def test_agency_with_qd20_or_qcvn_code_is_created(org, login, code):
    response = login(org.province_admin).post("/danh-ba/co-quan/them/", agency_post(parent=org.province.pk, code=code))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Agency.objects.get(code=code).depth == 2


def test_agency_admin_edits_contacts_but_not_structure(org, login):
    c = login(org.sxd_admin)
    form = c.get(f"/danh-ba/co-quan/{org.sxd.pk}/sua/")
    assert form.status_code == 200
    html = form.content.decode()
    for name in ("name", "short_name", "code", "level", "exchange_only_with_parent", "is_active"):
        tag = html[html.index(f'name="{name}"') - 300 : html.index(f'name="{name}"') + 300]
        assert "disabled" in tag, name
    for name in ("address", "phone", "email", "fax", "website"):
        tag = html[html.index(f'name="{name}"') : html.index(f'name="{name}"') + 200].split(">")[0]
        assert "disabled" not in tag, name

    # A crafted POST that also tries to change structural fields only changes the contacts.
    response = c.post(
        f"/danh-ba/co-quan/{org.sxd.pk}/sua/",
        {
            "name": "Sở Xây dựng (đã đổi)",
            "short_name": "SXDX",
            "code": "000.00.99.H41",
            "level": Level.COMMUNE,
            "exchange_only_with_parent": "on",
            "address": "Số 24 Trường Thi, TP Vinh, Nghệ An",
            "phone": "0238 3844 999",
            "email": "sxd@nghean.gov.vn",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sxd = Agency.objects.get(pk=org.sxd.pk)
    assert (sxd.name, sxd.short_name, sxd.code, sxd.level) == (
        "Sở Xây dựng tỉnh Nghệ An",
        "SXD",
        "000.00.12.H41",
        Level.PROVINCE,
    )
    assert sxd.exchange_only_with_parent is False and sxd.is_active is True
    assert (sxd.address, sxd.phone, sxd.email) == (
        "Số 24 Trường Thi, TP Vinh, Nghệ An",
        "0238 3844 999",
        "sxd@nghean.gov.vn",
    )
    [entry] = journal("directory.agency.update", sxd)
    assert entry.actor_id == org.sxd_admin.pk
    assert set(entry.details) == {"address", "phone", "email"}
    assert entry.details["phone"] == ["", "0238 3844 999"]


def test_agency_admin_cannot_change_structure_through_api(org, api):
    client = api(org.sxd_admin)
    for change in (
        {"code": "000.00.99.H41"},
        {"name": "Sở Xây dựng (đã đổi)"},
        {"level": Level.COMMUNE},
        {"exchange_only_with_parent": True},
        {"is_active": False},
        {"short_name": "SXDX"},
    ):
        response = client.patch(f"/api/v1/agencies/{org.sxd.pk}/", change, format="json")
        assert response.status_code == 403, (change, response.status_code, response.content)
        assert "quản trị cấp tỉnh" in response.json()["detail"]
    sxd = Agency.objects.get(pk=org.sxd.pk)
    assert (sxd.name, sxd.code, sxd.level, sxd.exchange_only_with_parent, sxd.is_active) == (
        "Sở Xây dựng tỉnh Nghệ An",
        "000.00.12.H41",
        Level.PROVINCE,
        False,
        True,
    )
    assert not journal("directory.agency.update", sxd)
    # Contacts are theirs to keep up to date; resending unchanged structural values is harmless.
    response = client.patch(
        f"/api/v1/agencies/{org.sxd.pk}/", {"phone": "0238 3844 111", "code": sxd.code}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Agency.objects.get(pk=org.sxd.pk).phone == "0238 3844 111"


def test_province_admin_edits_structure(org, login):
    c = login(org.province_admin)
    html = c.get(f"/danh-ba/co-quan/{org.sxd.pk}/sua/").content.decode()
    tag = html[html.index('name="code"') : html.index('name="code"') + 200].split(">")[0]
    assert "disabled" not in tag
    response = c.post(
        f"/danh-ba/co-quan/{org.sxd.pk}/sua/",
        agency_post(
            name="Sở Xây dựng tỉnh Nghệ An",
            short_name="SXD",
            code="H41.12",
            level=Level.PROVINCE,
            exchange_only_with_parent="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sxd = Agency.objects.get(pk=org.sxd.pk)
    assert sxd.code == "H41.12" and sxd.exchange_only_with_parent is True
    [entry] = journal("directory.agency.update", sxd)
    assert entry.details["code"] == ["000.00.12.H41", "H41.12"]
    assert entry.details["exchange_only_with_parent"] == [False, True]


def test_exchange_only_with_parent_is_stored_and_shown(org, login, api):
    c = login(org.province_admin)
    response = c.post(
        "/danh-ba/co-quan/them/",
        agency_post(
            parent=org.district.pk,
            name="Trường Trung học phổ thông Nghi Lộc 1",
            short_name="THPTNL1",
            code="000.31.41.H41",
            level=Level.DISTRICT,
            exchange_only_with_parent="on",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    school = Agency.objects.get(code="000.31.41.H41")
    assert school.exchange_only_with_parent is True

    listing = c.get("/danh-ba/co-quan/").content.decode()
    row = listing[listing.index(f'href="/danh-ba/co-quan/{school.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert "chỉ liên thông với cấp trên" in row
    district_row = listing[listing.index(f'href="/danh-ba/co-quan/{org.district.pk}/"') :]
    assert "chỉ liên thông với cấp trên" not in district_row[: district_row.index("</tr>")]
    assert "Chỉ với cơ quan cấp trên" in c.get(f"/danh-ba/co-quan/{school.pk}/").content.decode()
    assert "Toàn hệ thống" in c.get(f"/danh-ba/co-quan/{org.district.pk}/").content.decode()
    # Everybody sees the flag in the address book, including the API.
    body = api(org.ht_staff).get(f"/api/v1/agencies/{school.pk}/").json()
    assert body["exchange_only_with_parent"] is True
    assert body["parent"] == org.district.pk and body["depth"] == 3


# ------------------------------------------------------------------------------------------------
# Units (HTML)
# ------------------------------------------------------------------------------------------------


def test_agency_admin_creates_and_edits_unit(org, login):
    c = login(org.sxd_admin)
    assert c.get(f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/").status_code == 200
    response = c.post(
        f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/",
        {"name": "Phòng Quản lý xây dựng", "short_name": "QLXD", "email": "qlxd.sxd@nghean.gov.vn", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(agency=org.sxd, short_name="QLXD")
    assert unit.name == "Phòng Quản lý xây dựng" and unit.parent is None
    [entry] = journal("directory.unit.create", unit)
    assert entry.actor_id == org.sxd_admin.pk and entry.agency_id == org.sxd.pk
    assert "<td>Phòng Quản lý xây dựng</td><td>QLXD</td>" in c.get("/danh-ba/don-vi/").content.decode()

    response = c.post(
        f"/danh-ba/don-vi/{unit.pk}/sua/",
        {
            "name": "Phòng Quản lý xây dựng và hạ tầng",
            "short_name": "QLXD",
            "parent": org.sxd_vp.pk,
            "email": "qlxd.sxd@nghean.gov.vn",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    unit.refresh_from_db()
    assert unit.name == "Phòng Quản lý xây dựng và hạ tầng" and unit.parent_id == org.sxd_vp.pk
    [entry] = journal("directory.unit.update", unit)
    assert set(entry.details) == {"name", "parent"}


def test_duplicate_unit_abbreviation_refused_in_same_agency_allowed_in_another(org, login):
    c = login(org.province_admin)
    before = Unit.objects.count()
    response = c.post(
        f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/", {"name": "Văn phòng Sở (trùng)", "short_name": "VP"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "đã tồn tại" in html
    assert Unit.objects.count() == before

    response = c.post(f"/danh-ba/co-quan/{org.stttt.pk}/don-vi/them/", {"name": "Văn phòng Sở", "short_name": "VP"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Unit.objects.filter(short_name="VP", agency=org.stttt).count() == 1
    assert Unit.objects.filter(short_name="VP").count() == 3  # SXD, STTTT and Hà Tĩnh


def test_unit_abbreviation_must_be_one_word(org, login):
    response = login(org.sxd_admin).post(
        f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/", {"name": "Phòng Quản lý nhà", "short_name": "QL nhà"}
    )
    assert response.status_code == 200
    assert "Tên viết tắt chỉ gồm chữ cái và chữ số" in response.content.decode()


def test_unit_parent_must_be_in_same_agency(org, login):
    response = login(org.province_admin).post(
        f"/danh-ba/co-quan/{org.sxd.pk}/don-vi/them/",
        {"name": "Tổ công nghệ", "short_name": "TCN", "parent": org.stttt_cntt.pk},
    )
    assert response.status_code == 200
    assert not Unit.objects.filter(short_name="TCN").exists()


# ------------------------------------------------------------------------------------------------
# Positions (HTML)
# ------------------------------------------------------------------------------------------------


def test_assign_and_end_position(org, login):
    c = login(org.sxd_admin)
    staff = org.sxd_staff
    assert not manageable(User, fresh(staff)).exists()
    form = c.get(f"/danh-ba/can-bo/{staff.pk}/chuc-vu/them/").content.decode()
    assert f'<option value="{org.sxd.pk}" selected>' in form
    assert org.stttt.name not in form  # other agencies are not offered

    response = c.post(
        f"/danh-ba/can-bo/{staff.pk}/chuc-vu/them/",
        {
            "agency": org.sxd.pk,
            "unit": org.sxd_khtc.pk,
            "title": "Phó Trưởng phòng Kế hoạch - Tài chính",
            "role": Role.UNIT_LEADER,
            "is_primary": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/can-bo/{staff.pk}/"
    position = Position.objects.get(user=staff, role=Role.UNIT_LEADER)
    assert (position.agency_id, position.unit_id, position.is_primary, position.is_active) == (
        org.sxd.pk,
        org.sxd_khtc.pk,
        False,
        True,
    )
    [entry] = journal("directory.position.assign", position)
    assert entry.actor_id == org.sxd_admin.pk
    assert entry.details == {
        "user": staff.username,
        "role": "unit_leader",
        "title": "Phó Trưởng phòng Kế hoạch - Tài chính",
        "unit": "KHTC",
    }
    page = c.get(f"/can-bo/{staff.pk}/").content.decode()
    assert "Phó Trưởng phòng Kế hoạch - Tài chính — Lãnh đạo đơn vị, Phòng Kế hoạch - Tài chính, SXD" in page
    assert f"/danh-ba/chuc-vu/{position.pk}/ket-thuc/" in page
    assert scope_of(fresh(staff)).led_unit_ids == {org.sxd_khtc.pk}

    response = c.post(f"/danh-ba/chuc-vu/{position.pk}/ket-thuc/")
    assert response.status_code == 302
    assert scope_of(fresh(staff)).led_unit_ids == frozenset()
    position.refresh_from_db()
    assert position.is_active is False and position.ended_on == timezone.localdate()
    [entry] = journal("directory.position.end", position)
    assert entry.details == {"user": staff.username, "role": "unit_leader"}
    # Ending twice is harmless and writes nothing.
    assert c.post(f"/danh-ba/chuc-vu/{position.pk}/ket-thuc/").status_code == 302
    assert len(journal("directory.position.end", position)) == 1


def test_admin_role_takes_effect_and_ends(org, login):
    c = login(org.province_admin)
    response = c.post(
        f"/danh-ba/can-bo/{org.sxd_clerk.pk}/chuc-vu/them/",
        {"agency": org.sxd.pk, "title": "Quản trị hệ thống", "role": Role.ADMIN},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert manageable(Agency, fresh(org.sxd_clerk)).get() == org.sxd
    position = Position.objects.get(user=org.sxd_clerk, role=Role.ADMIN)
    assert c.post(f"/danh-ba/chuc-vu/{position.pk}/ket-thuc/").status_code == 302
    assert not manageable(Agency, fresh(org.sxd_clerk)).exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": Role.UNIT_LEADER, "unit": ""}, "Lãnh đạo đơn vị phải gắn với một đơn vị."),
        ({"unit": "stttt_cntt"}, "Đơn vị không thuộc cơ quan đã chọn."),
        ({"title": ""}, "Trường này là bắt buộc."),
    ],
)
def test_position_form_errors_are_vietnamese(org, login, data, message):
    payload = {"agency": org.sxd.pk, "unit": org.sxd_khtc.pk, "title": "Phó Trưởng phòng", "role": Role.STAFF}
    payload.update({k: getattr(org, v).pk if k == "unit" and v else v for k, v in data.items()})
    before = Position.objects.count()
    response = login(org.province_admin).post(f"/danh-ba/can-bo/{org.sxd_staff.pk}/chuc-vu/them/", payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Position.objects.count() == before


# ------------------------------------------------------------------------------------------------
# API
# ------------------------------------------------------------------------------------------------


def test_api_create_and_patch_agency(org, api):
    client = api(org.province_admin)
    response = client.post(
        "/api/v1/agencies/",
        {
            "parent_id": org.province.pk,
            "name": "Sở Tư pháp tỉnh Nghệ An",
            "short_name": "STP",
            "code": "H41.19",
            "level": Level.PROVINCE,
            "email": "stp@nghean.gov.vn",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["depth"] == 2 and body["parent"] == org.province.pk and body["code"] == "H41.19"
    assert "parent_id" not in body
    agency = Agency.objects.get(pk=body["id"])
    assert Agency.objects.get_parent(agency).pk == org.province.pk
    [entry] = journal("directory.agency.create", agency)
    assert entry.actor_id == org.province_admin.pk

    listed = {row["id"]: row for row in client.get("/api/v1/agencies/?q=H41.19").json()["results"]}
    assert listed[agency.pk]["parent"] == org.province.pk

    response = client.patch(
        f"/api/v1/agencies/{agency.pk}/", {"phone": "0238 3598 123", "exchange_only_with_parent": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0238 3598 123"
    agency.refresh_from_db()
    assert agency.exchange_only_with_parent is True
    [entry] = journal("directory.agency.update", agency)
    assert entry.details == {"phone": ["", "0238 3598 123"], "exchange_only_with_parent": [False, True]}

    # The tree position does not change through PATCH.
    client.patch(f"/api/v1/agencies/{agency.pk}/", {"parent_id": org.district.pk}, format="json")
    assert Agency.objects.get_parent(Agency.objects.get(pk=agency.pk)).pk == org.province.pk


@pytest.mark.parametrize(
    "payload,field,message",
    [
        ({"parent_id": "district", "level": Level.PROVINCE}, "level", LEVEL_MESSAGE),
        ({"code": "ABC"}, "code", CODE_MESSAGE),
        ({"code": "000.00.12.H41"}, "code", "đã tồn tại"),
        ({"short_name": "S T P"}, "short_name", "Tên viết tắt chỉ gồm chữ cái và chữ số"),
    ],
)
def test_api_agency_validation_is_vietnamese(org, api, payload, field, message):
    data = {
        "parent_id": org.province.pk,
        "name": "Sở Tư pháp tỉnh Nghệ An",
        "short_name": "STP",
        "code": "000.00.19.H41",
        "level": Level.PROVINCE,
    }
    data.update({k: getattr(org, v).pk if k == "parent_id" else v for k, v in payload.items()})
    before = Agency.objects.count()
    response = api(org.province_admin).post("/api/v1/agencies/", data, format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])
    assert Agency.objects.count() == before


def test_api_top_level_agency_needs_superuser(org, api):
    response = api(org.province_admin).post(
        "/api/v1/agencies/",
        {
            "name": "Ủy ban nhân dân tỉnh Thanh Hóa",
            "short_name": "UBND",
            "code": "000.00.00.H38",
            "level": Level.PROVINCE,
        },
        format="json",
    )
    assert response.status_code == 403
    assert "quản trị toàn hệ thống" in response.json()["detail"]
    assert not Agency.objects.filter(code="000.00.00.H38").exists()


def test_api_units(org, api):
    client = api(org.sxd_admin)
    response = client.post(
        "/api/v1/units/",
        {"agency": org.sxd.pk, "name": "Thanh tra Sở", "short_name": "TTRA", "email": "thanhtra.sxd@nghean.gov.vn"},
        format="json",
    )
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(pk=response.json()["id"])
    assert (unit.agency_id, unit.short_name) == (org.sxd.pk, "TTRA")
    [entry] = journal("directory.unit.create", unit)
    assert entry.actor_id == org.sxd_admin.pk

    response = client.patch(
        f"/api/v1/units/{unit.pk}/", {"name": "Thanh tra Sở Xây dựng", "parent": org.sxd_vp.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Thanh tra Sở Xây dựng"
    [entry] = journal("directory.unit.update", unit)
    assert set(entry.details) == {"name", "parent"}

    # A unit cannot move to another agency through PATCH.
    client.patch(f"/api/v1/units/{unit.pk}/", {"agency": org.stttt.pk}, format="json")
    assert Unit.objects.get(pk=unit.pk).agency_id == org.sxd.pk

    # Duplicate abbreviation in the same agency: 400 with a Vietnamese message, nothing written.
    before = Unit.objects.count()
    response = client.post(
        "/api/v1/units/", {"agency": org.sxd.pk, "name": "Văn phòng", "short_name": "VP"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "non_field_errors": ["Tên viết tắt này đã được dùng cho một đơn vị khác của cùng cơ quan."]
    }
    assert Unit.objects.count() == before
    # The same abbreviation in another agency is fine.
    response = api(org.province_admin).post(
        "/api/v1/units/", {"agency": org.stttt.pk, "name": "Văn phòng Sở", "short_name": "VP"}, format="json"
    )
    assert response.status_code == 201, response.content

    # Parent unit from another agency.
    response = client.post(
        "/api/v1/units/",
        {"agency": org.sxd.pk, "name": "Tổ công nghệ", "short_name": "TCN", "parent": org.stttt_cntt.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "cùng cơ quan" in str(response.json())


def test_api_positions_assign_and_end(org, api):
    client = api(org.sxd_admin)
    response = client.post(
        "/api/v1/positions/",
        {
            "user": org.sxd_staff.pk,
            "agency": org.sxd.pk,
            "unit": org.sxd_khtc.pk,
            "title": "Phó Trưởng phòng Kế hoạch - Tài chính",
            "role": Role.UNIT_LEADER,
            "is_primary": False,
            "started_on": "2026-01-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_active"] is True and body["started_on"] == "2026-01-15" and body["ended_on"] is None
    position = Position.objects.get(pk=body["id"])
    [entry] = journal("directory.position.assign", position)
    assert entry.actor_id == org.sxd_admin.pk

    listed = client.get(f"/api/v1/positions/?user={org.sxd_staff.pk}").json()["results"]
    assert {row["id"] for row in listed} == set(
        Position.objects.filter(user=org.sxd_staff).values_list("pk", flat=True)
    )

    response = client.post(f"/api/v1/positions/{position.pk}/end/", format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert response.json()["ended_on"] == timezone.localdate().isoformat()
    [entry] = journal("directory.position.end", position)
    assert entry.actor_id == org.sxd_admin.pk

    # Unit-leader without a unit: Vietnamese validation error, nothing written.
    before = Position.objects.count()
    response = client.post(
        "/api/v1/positions/",
        {"user": org.sxd_staff.pk, "agency": org.sxd.pk, "title": "Trưởng phòng", "role": Role.UNIT_LEADER},
        format="json",
    )
    assert response.status_code == 400
    assert "Lãnh đạo đơn vị phải gắn với một đơn vị." in str(response.json())
    assert Position.objects.count() == before


def test_every_directory_change_is_journaled(org, api):
    """One journal entry per change, with the right action name, actor and object."""
    client = api(org.province_admin)
    start = JournalEntry.objects.order_by("-seq").first().seq
    agency = client.post(
        "/api/v1/agencies/",
        {
            "parent_id": org.province.pk,
            "name": "Sở Y tế tỉnh Nghệ An",
            "short_name": "SYT",
            "code": "000.00.21.H41",
            "level": Level.PROVINCE,
        },
        format="json",
    ).json()
    client.patch(f"/api/v1/agencies/{agency['id']}/", {"website": "https://syt.nghean.gov.vn"}, format="json")
    unit = client.post(
        "/api/v1/units/", {"agency": agency["id"], "name": "Văn phòng Sở", "short_name": "VP"}, format="json"
    ).json()
    client.patch(f"/api/v1/units/{unit['id']}/", {"phone": "0238 3835 555"}, format="json")
    position = client.post(
        "/api/v1/positions/",
        {
            "user": org.sxd_leader.pk,
            "agency": agency["id"],
            "unit": unit["id"],
            "title": "Kiêm nhiệm Chánh Văn phòng",
            "role": Role.UNIT_LEADER,
            "is_primary": False,
        },
        format="json",
    ).json()
    client.post(f"/api/v1/positions/{position['id']}/end/", format="json")
    # A PATCH that changes nothing writes nothing.
    client.patch(f"/api/v1/units/{unit['id']}/", {"phone": "0238 3835 555"}, format="json")

    entries = list(
        JournalEntry.objects.filter(seq__gt=start)
        .exclude(action__startswith="auth.")
        .order_by("seq")
        .values_list("action", "object_id", "actor_id")
    )
    me = org.province_admin.pk
    assert entries == [
        ("directory.agency.create", str(agency["id"]), me),
        ("directory.agency.update", str(agency["id"]), me),
        ("directory.unit.create", str(unit["id"]), me),
        ("directory.unit.update", str(unit["id"]), me),
        ("directory.position.assign", str(position["id"]), me),
        ("directory.position.end", str(position["id"]), me),
    ]


def test_visible_after_changes(org, api):
    """What an admin creates in an agency is seen by that agency's staff and nobody else's."""
    unit = (
        api(org.sxd_admin)
        .post(
            "/api/v1/units/",
            {"agency": org.sxd.pk, "name": "Phòng Hạ tầng kỹ thuật", "short_name": "HTKT"},
            format="json",
        )
        .json()
    )
    assert visible(Unit, fresh(org.sxd_staff)).filter(pk=unit["id"]).exists()
    assert not visible(Unit, fresh(org.stttt_staff)).filter(pk=unit["id"]).exists()
    assert api(org.stttt_staff).get(f"/api/v1/units/{unit['id']}/").status_code == 404


# ------------------------------------------------------------------------------------------------
# OpenAPI schema and documentation page
# ------------------------------------------------------------------------------------------------


def test_openapi_schema_renders(org, login):
    import yaml

    client = login(org.sxd_staff)  # the schema is for signed-in people (VPDT_API_SCHEMA_PUBLIC is off)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "vpdt API"
    for path in (
        "/api/v1/users/",
        "/api/v1/users/{id}/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{id}/",
        "/api/v1/units/",
        "/api/v1/positions/",
        "/api/v1/positions/{id}/end/",
        "/api/v1/journal/",
        "/api/v1/auth/login/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/agencies/"]
    assert "patch" in schema["paths"]["/api/v1/agencies/{id}/"]
    # The write-only parent_id is part of the request, the computed parent of the response.
    components = schema["components"]["schemas"]
    assert "parent_id" in components["AgencyRequest"]["properties"]
    assert "parent" in components["Agency"]["properties"]

    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/agencies/" in json.loads(response.content)["paths"]


def test_api_docs_page_uses_only_local_assets(org, login):
    client = login(org.sxd_staff)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"']+", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    # Its start-up script is served apart (no inline script under the Content-Security-Policy).
    assets.remove("/api/v1/docs/?script=")
    assert "/api/v1/schema/" in client.get("/api/v1/docs/?script=").content.decode()
    assert assets and all(a.startswith("/static/") for a in assets), assets
    from django.contrib.staticfiles import finders

    for asset in assets:  # shipped in the package (drf-spectacular-sidecar), so they work offline
        assert finders.find(asset.removeprefix("/static/")), asset
