"""The demo organisation loaded by ``make run`` the first time.

A province people's committee, two departments with three units each, a subordinate centre that
exchanges only with its parent, a district and a commune, and at least one person per role.
The one-time passwords are fixed and listed in README.md: demo only, never in production.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Level, Role
from vpdt.journal import services as journal

PROVINCE_CODE = "000.00.00.H41"

AGENCIES = [
    # key, parent key, name, short, code, level, extra
    (
        "ubnd",
        None,
        "Ủy ban nhân dân tỉnh Nghệ An",
        "UBND",
        PROVINCE_CODE,
        Level.PROVINCE,
        {
            "address": "Số 03 đường Trường Thi, thành phố Vinh, tỉnh Nghệ An",
            "phone": "0238 3840418",
            "email": "ubnd@nghean.gov.vn",
            "website": "www.nghean.gov.vn",
        },
    ),
    (
        "sxd",
        "ubnd",
        "Sở Xây dựng tỉnh Nghệ An",
        "SXD",
        "000.00.12.H41",
        Level.PROVINCE,
        {"address": "Số 23 đường Trường Thi, thành phố Vinh", "phone": "0238 3844673", "email": "sxd@nghean.gov.vn"},
    ),
    (
        "stttt",
        "ubnd",
        "Sở Thông tin và Truyền thông tỉnh Nghệ An",
        "STTTT",
        "000.00.15.H41",
        Level.PROVINCE,
        {
            "address": "Số 75 đường Nguyễn Thị Minh Khai, thành phố Vinh",
            "phone": "0238 3598868",
            "email": "stttt@nghean.gov.vn",
        },
    ),
    (
        "ttcntt",
        "stttt",
        "Trung tâm Công nghệ thông tin và Truyền thông",
        "TTCNTT",
        "000.01.15.H41",
        Level.PROVINCE,
        {"exchange_only_with_parent": True, "email": "ttcntt@nghean.gov.vn"},
    ),
    (
        "nghiloc",
        "ubnd",
        "Ủy ban nhân dân huyện Nghi Lộc",
        "UBND",
        "000.00.31.H41",
        Level.DISTRICT,
        {"address": "Thị trấn Quán Hành, huyện Nghi Lộc", "phone": "0238 3861236", "email": "nghiloc@nghean.gov.vn"},
    ),
    (
        "nghiphong",
        "nghiloc",
        "Ủy ban nhân dân xã Nghi Phong",
        "UBND",
        "000.01.31.H41",
        Level.COMMUNE,
        {"address": "Xã Nghi Phong, huyện Nghi Lộc", "email": "nghiphong.nghiloc@nghean.gov.vn"},
    ),
]

UNITS = {
    "ubnd": [("Văn phòng Ủy ban nhân dân tỉnh", "VP")],
    "sxd": [("Văn phòng Sở", "VP"), ("Phòng Kế hoạch - Tài chính", "KHTC"), ("Thanh tra Sở", "TTr")],
    "stttt": [("Văn phòng Sở", "VP"), ("Phòng Công nghệ thông tin", "CNTT"), ("Phòng Bưu chính - Viễn thông", "BCVT")],
    "nghiloc": [("Văn phòng HĐND và UBND huyện", "VP"), ("Phòng Tài chính - Kế hoạch", "TCKH")],
    "nghiphong": [("Bộ phận Văn phòng - Thống kê", "VPTK")],
}

# full name, birth date, agency, unit, title, role, one-time password (demo only)
PEOPLE = [
    (
        "Nguyễn Văn Minh",
        dt.date(1978, 5, 12),
        "stttt",
        "CNTT",
        "Phó Trưởng phòng CNTT",
        Role.PROVINCE_ADMIN,
        "Demo#QtTinh26",
    ),
    ("Lê Thị Hồng Nhung", dt.date(1990, 3, 8), "sxd", "VP", "Văn thư", Role.CLERK, "Demo#VanThu26"),
    ("Trần Thị Thu Hà", dt.date(1972, 11, 20), "sxd", None, "Giám đốc Sở", Role.LEADER, "Demo#GiamDoc26"),
    (
        "Phạm Văn Dũng",
        dt.date(1980, 1, 15),
        "sxd",
        "KHTC",
        "Trưởng phòng Kế hoạch - Tài chính",
        Role.UNIT_LEADER,
        "Demo#TruongPhong26",
    ),
    ("Hoàng Thị Lan", dt.date(1992, 7, 2), "sxd", "KHTC", "Chuyên viên", Role.STAFF, "Demo#ChuyenVien26"),
    ("Đặng Quốc Tuấn", dt.date(1986, 9, 30), "sxd", "VP", "Quản trị hệ thống", Role.ADMIN, "Demo#QuanTri26"),
    (
        "Võ Minh Khoa",
        dt.date(1991, 4, 18),
        "stttt",
        "CNTT",
        "Cán bộ chuyên trách CNTT",
        Role.IT_OFFICER,
        "Demo#CongNghe26",
    ),
    ("Nguyễn Đức Trung", dt.date(1968, 6, 1), "ubnd", None, "Chủ tịch UBND tỉnh", Role.LEADER, "Demo#ChuTich26"),
    ("Bùi Thị Mai", dt.date(1988, 12, 5), "ubnd", "VP", "Văn thư", Role.CLERK, "Demo#VanThuTinh26"),
    ("Hồ Sỹ Hùng", dt.date(1975, 2, 14), "stttt", None, "Giám đốc Sở", Role.LEADER, "Demo#GiamDocTT26"),
    ("Ngô Thị Thanh Hương", dt.date(1989, 10, 10), "stttt", "VP", "Văn thư", Role.CLERK, "Demo#VanThuTT26"),
    ("Lương Văn Sơn", dt.date(1983, 8, 25), "nghiloc", "VP", "Văn thư", Role.CLERK, "Demo#VanThuHuyen26"),
    ("Cao Xuân Thắng", dt.date(1970, 3, 3), "nghiloc", None, "Chủ tịch UBND huyện", Role.LEADER, "Demo#ChuTichHuyen26"),
    (
        "Đinh Thị Yến",
        dt.date(1994, 5, 19),
        "nghiphong",
        "VPTK",
        "Công chức Văn phòng - Thống kê",
        Role.CLERK,
        "Demo#VanThuXa26",
    ),
    ("Trương Văn Long", dt.date(1979, 1, 9), "nghiphong", None, "Chủ tịch UBND xã", Role.LEADER, "Demo#ChuTichXa26"),
]
# A deputy director who also heads a unit: two positions for one person.
EXTRA_POSITIONS = [("Hồ Sỹ Hùng", "stttt", "CNTT", "Trưởng phòng CNTT (kiêm nhiệm)", Role.UNIT_LEADER)]


def is_loaded() -> bool:
    return Agency.objects.filter(code=PROVINCE_CODE).exists()


@transaction.atomic
def load() -> list[dict]:
    """Create the demo organisation. Returns the demo accounts with their one-time passwords."""
    from vpdt.accounts import services as accounts

    if settings.PRODUCTION:
        raise RuntimeError("Không nạp dữ liệu mẫu ở chế độ production.")
    agencies: dict[str, Agency] = {}
    for key, parent, name, short, code, level, extra in AGENCIES:
        parent_obj = Agency.objects.get(pk=agencies[parent].pk) if parent else None
        agencies[key] = directory.create_agency(
            None, parent_obj, name=name, short_name=short, code=code, level=level, **extra
        )
    units = {}
    for key, items in UNITS.items():
        for name, short in items:
            units[(key, short)] = directory.create_unit(None, agencies[key], name=name, short_name=short)
    accounts_out = []
    by_name = {}
    now = timezone.now()
    for full_name, birth, agency_key, unit_short, title, role, password in PEOPLE:
        unit = units.get((agency_key, unit_short)) if unit_short else None
        user, _otp = accounts.create_account(
            None,
            full_name=full_name,
            agency=agencies[agency_key],
            birth_date=birth,
            unit=unit,
            title=title,
            role=role,
            email="",
        )
        user.set_password(password)
        user.password_issued_at = now
        user.save(update_fields=["password", "password_issued_at"])
        by_name[full_name] = user
        accounts_out.append(
            {
                "username": user.username,
                "password": password,
                "full_name": full_name,
                "role": role.label,
                "agency": agencies[agency_key].name,
                "title": title,
            }
        )
    for full_name, agency_key, unit_short, title, role in EXTRA_POSITIONS:
        directory.assign_position(
            None,
            by_name[full_name],
            agency=agencies[agency_key],
            unit=units[(agency_key, unit_short)],
            title=title,
            role=role,
            is_primary=False,
        )
    from . import demo_signing

    demo_signing.load(by_name, agencies)
    from . import demo_exchange

    demo_exchange.load(by_name, agencies)
    _outgoing(by_name, agencies)
    from . import demo_calendar

    demo_calendar.load(by_name, agencies, units)
    journal.record("sampledata.demo_loaded", details={"accounts": len(accounts_out)})
    return accounts_out


def _outgoing(by_name: dict, agencies: dict) -> None:
    """A few outgoing documents of the Department of Construction, one in each state worth trying out:
    a draft, one in review at the head of unit, one approved and waiting for the clerk, one issued to the
    Department of Information and Communications and waiting for its clerk, and one issued to Hà Tĩnh province
    through the exchange, whose system answered. Runs once, with :func:`load`."""
    from vpdt.catalog.models import DocumentType
    from vpdt.outgoing import services as outgoing

    staff, unit_leader = by_name["Hoàng Thị Lan"], by_name["Phạm Văn Dũng"]
    director, clerk = by_name["Trần Thị Thu Hà"], by_name["Lê Thị Hồng Nhung"]
    cong_van = DocumentType.objects.get(name="Công văn")
    report = DocumentType.objects.filter(name="Báo cáo").first() or cong_van

    from django.core.files.uploadedfile import SimpleUploadedFile

    from vpdt.signing import samples

    from .demo_signing import DEMO_PASSPHRASE

    def draft(subject, text, doc_type=cong_van, recipients=(), pdf=False):
        files = []
        if pdf:  # an ND30-layout PDF, so the director can sign it and the clerk seal it (passphrase in README)
            body = [line for line in text.splitlines() if line.strip()]
            files = [
                SimpleUploadedFile(
                    "du-thao.pdf",
                    samples.nd30_pdf(
                        notation="SXD-KHTC",
                        doc_type=doc_type.name.upper() if doc_type != cong_van else "",
                        subject=subject,
                        body=body,
                        authority="",
                        position="GIÁM ĐỐC",
                        signer=director.full_name,
                        recipients=("Như trên;", "Lưu: VT, KHTC."),
                    ),
                    content_type="application/pdf",
                )
            ]
        return outgoing.create_draft(
            staff,
            doc_type=doc_type,
            subject=subject,
            text=text,
            signer=director,
            to_places="- Như trên;\n- Lưu: VT, KHTC.",
            recipients=list(recipients),
            files=files,
        )

    draft(
        "V/v đề nghị bố trí vốn duy tu, bảo dưỡng đường giao thông năm 2027",
        "Kính gửi: Sở Tài chính tỉnh Nghệ An\n\nSở Xây dựng đề nghị bố trí kinh phí duy tu, bảo dưỡng "
        "các tuyến đường do Sở quản lý năm 2027 như sau: ...",
    )
    in_review = draft(
        "Báo cáo tình hình thực hiện kế hoạch đầu tư công 10 tháng năm 2026",
        "Thực hiện chỉ đạo của UBND tỉnh, Sở Xây dựng báo cáo kết quả giải ngân vốn đầu tư công "
        "10 tháng năm 2026 như sau:\n1. Tình hình chung.\n2. Khó khăn, vướng mắc.\n3. Kiến nghị.",
        doc_type=report,
        pdf=True,
    )
    outgoing.submit(staff, in_review)
    approved = draft(
        "V/v cử cán bộ tham dự tập huấn quản lý chất lượng công trình xây dựng",
        "Kính gửi: Các phòng, đơn vị thuộc Sở\n\nSở Xây dựng đề nghị các phòng, đơn vị cử cán bộ "
        "tham dự lớp tập huấn ...",
        pdf=True,
    )
    approved = outgoing.submit(staff, approved)
    approved = outgoing.approve(unit_leader, approved, comment="Đồng ý nội dung.")
    outgoing.approve(director, approved, comment="Đồng ý ký ban hành.", passphrase=DEMO_PASSPHRASE)
    issued = draft(
        "V/v phối hợp triển khai phần mềm quản lý cấp phép xây dựng trực tuyến",
        "Kính gửi: Sở Thông tin và Truyền thông tỉnh Nghệ An\n\nĐể triển khai dịch vụ công trực "
        "tuyến toàn trình về cấp phép xây dựng, Sở Xây dựng đề nghị Quý Sở phối hợp ...",
        recipients=[outgoing.RecipientSpec(kind="agency", agency=agencies["stttt"])],
        pdf=True,
    )
    issued = outgoing.submit(staff, issued)
    issued = outgoing.approve(unit_leader, issued, comment="Đồng ý.")
    issued = outgoing.approve(director, issued, comment="Đồng ý ký ban hành.", passphrase=DEMO_PASSPHRASE)
    outgoing.issue(clerk, issued, passphrase=DEMO_PASSPHRASE)
    to_ha_tinh = draft(
        "V/v thống nhất phương án quản lý trật tự xây dựng tuyến Quốc lộ 1 đoạn giáp ranh",
        "Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh\n\nSở Xây dựng tỉnh Nghệ An đề nghị thống nhất phương án phối hợp ...",
        recipients=[
            outgoing.RecipientSpec(kind="external", name="Ủy ban nhân dân tỉnh Hà Tĩnh", organ_id="000.00.00.H42")
        ],
        pdf=True,
    )
    to_ha_tinh = outgoing.submit(staff, to_ha_tinh)
    to_ha_tinh = outgoing.approve(unit_leader, to_ha_tinh, comment="Đồng ý.")
    to_ha_tinh = outgoing.approve(director, to_ha_tinh, comment="Đồng ý ký ban hành.", passphrase=DEMO_PASSPHRASE)
    to_ha_tinh = outgoing.issue(clerk, to_ha_tinh, passphrase=DEMO_PASSPHRASE)
    from . import demo_exchange

    demo_exchange.answer_issued(to_ha_tinh)


def demo_accounts() -> list[dict]:
    """The demo accounts as they stand (for printing), without passwords already changed."""
    names = {p[0]: p for p in PEOPLE}
    rows = []
    for user in User.objects.filter(full_name__in=names.keys(), agency__path__startswith=_province_path()):
        person = names[user.full_name]
        rows.append(
            {
                "username": user.username,
                "password": person[6] if user.must_change_password else "(đã đổi)",
                "full_name": user.full_name,
                "role": person[5].label,
                "title": person[4],
            }
        )
    return rows


def _province_path() -> str:
    return Agency.objects.filter(code=PROVINCE_CODE).values_list("path", flat=True).first() or "-"
