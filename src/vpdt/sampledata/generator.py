"""Province-sized generated data for benchmarks: agencies, units, people and positions.

Usernames follow the same rules as real accounts (collisions included). Every generated person
shares one password hash (hashing 10,000 Argon2 passwords would take minutes and prove nothing).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vpdt.accounts import usernames
from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Level, Position, Role, Unit
from vpdt.journal import services as journal

from . import names

BENCH_PASSWORD = "Bench#2026vpdt"
ROOT_CODE = "000.00.00.H42"
DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Thông tin và Truyền thông",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Dân tộc",
    "Sở Ngoại vụ",
    "Ban Quản lý Khu kinh tế",
    "Đài Phát thanh - Truyền hình",
]
DISTRICTS = [
    "thành phố Hà Tĩnh",
    "thị xã Hồng Lĩnh",
    "thị xã Kỳ Anh",
    "huyện Hương Sơn",
    "huyện Đức Thọ",
    "huyện Vũ Quang",
    "huyện Nghi Xuân",
    "huyện Can Lộc",
    "huyện Hương Khê",
    "huyện Thạch Hà",
    "huyện Cẩm Xuyên",
    "huyện Kỳ Anh",
    "huyện Lộc Hà",
]
COMMUNE_WORDS = [
    "Thạch",
    "Cẩm",
    "Kỳ",
    "Đức",
    "Sơn",
    "Xuân",
    "Thiên",
    "Hương",
    "Phú",
    "Tân",
    "Trung",
    "An",
    "Hòa",
    "Bình",
    "Long",
    "Mỹ",
    "Quang",
    "Thịnh",
    "Lạc",
    "Vĩnh",
]
UNITS_DEPT = [
    ("Văn phòng", "VP"),
    ("Thanh tra", "TTr"),
    ("Phòng Kế hoạch - Tài chính", "KHTC"),
    ("Phòng Quản lý chuyên ngành", "QLCN"),
    ("Phòng Tổ chức cán bộ", "TCCB"),
    ("Phòng Pháp chế", "PC"),
]
UNITS_DISTRICT = [
    ("Văn phòng HĐND và UBND", "VP"),
    ("Phòng Nội vụ", "NV"),
    ("Phòng Tài chính - Kế hoạch", "TCKH"),
    ("Phòng Tư pháp", "TP"),
    ("Phòng Giáo dục và Đào tạo", "GDĐT"),
    ("Phòng Kinh tế", "KT"),
    ("Phòng Tài nguyên và Môi trường", "TNMT"),
]
UNITS_COMMUNE = [("Bộ phận Văn phòng - Thống kê", "VPTK"), ("Bộ phận Địa chính - Xây dựng", "ĐCXD")]


@dataclass
class Result:
    agencies: int = 0
    units: int = 0
    users: int = 0


def _agency_plan(total: int):
    """(name, level, parent index or None, kind) for ``total`` agencies."""
    plan = [("Ủy ban nhân dân tỉnh Hà Tĩnh", Level.PROVINCE, None, "root")]
    n_dept = min(len(DEPARTMENTS), max(1, total // 12))
    for name in DEPARTMENTS[:n_dept]:
        plan.append((f"{name} tỉnh Hà Tĩnh", Level.PROVINCE, 0, "dept"))
    remaining = total - len(plan)
    n_district = min(len(DISTRICTS), max(1, remaining // 19))
    district_idx = []
    for name in DISTRICTS[:n_district]:
        district_idx.append(len(plan))
        plan.append((f"Ủy ban nhân dân {name}", Level.DISTRICT, 0, "district"))
    i = 0
    while len(plan) < total:
        parent = district_idx[i % len(district_idx)]
        word = COMMUNE_WORDS[i % len(COMMUNE_WORDS)]
        plan.append(
            (
                f"Ủy ban nhân dân xã {word} {names.GIVEN_M[(i // len(COMMUNE_WORDS)) % len(names.GIVEN_M)]}",
                Level.COMMUNE,
                parent,
                "commune",
            )
        )
        i += 1
    return plan[:total]


def _code(kind: str, i: int, parent_i: int | None) -> str:
    if kind == "root":
        return ROOT_CODE
    if kind == "dept":
        return f"000.00.{i:02d}.H42"
    if kind == "district":
        return f"000.00.{40 + i:02d}.H42"
    return f"000.{(i % 99) + 1:02d}.{40 + (parent_i or 0):02d}.H42"


def _unique_code(code: str, used: set, i: int) -> str:
    while code in used:
        code = f"H42.{i // 100 % 100:02d}.{i % 100:02d}.{len(used) % 1000:03d}"
        i += 1
    used.add(code)
    return code


def generate(agencies: int = 250, users: int = 10000, seed: int = 2026, progress=None) -> Result:
    rng = random.Random(seed)
    if Agency.objects.filter(code=ROOT_CODE).exists():
        raise RuntimeError("Dữ liệu sinh tự động (tỉnh Hà Tĩnh, mã 000.00.00.H42) đã có trong CSDL.")
    result = Result()
    plan = _agency_plan(agencies)
    used_codes = set(Agency.objects.values_list("code", flat=True))
    created: list[Agency] = []
    kinds: list[str] = []
    with transaction.atomic():
        for i, (name, level, parent_i, kind) in enumerate(plan):
            fields = dict(
                name=name,
                short_name="UBND" if kind != "dept" else f"S{i:02d}",
                code=_unique_code(_code(kind, i, parent_i), used_codes, i),
                level=level,
                email=f"vanthu{i}@hatinh.gov.vn",
                phone=f"0239 38{i:05d}"[:13],
                address=f"{name}, tỉnh Hà Tĩnh",
            )
            if parent_i is None:
                agency = Agency.objects.add_root(create_kwargs=fields)
            else:
                agency = Agency.objects.add_child(Agency.objects.get(pk=created[parent_i].pk), create_kwargs=fields)
            created.append(agency)
            kinds.append(kind)
            if progress:
                progress("agencies", 1)
        unit_rows = []
        for agency, kind in zip(created, kinds):
            template = UNITS_COMMUNE if kind == "commune" else UNITS_DISTRICT if kind == "district" else UNITS_DEPT
            for name, short in template:
                unit_rows.append(Unit(agency=agency, name=name, short_name=short))
        Unit.objects.bulk_create(unit_rows, batch_size=2000)
        result.agencies, result.units = len(created), len(unit_rows)
    units_by_agency: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(agency__in=created).order_by("id"):
        units_by_agency.setdefault(unit.agency_id, []).append(unit)

    taken = dict(User.objects.values_list("username", "full_name"))

    def lookup(username):
        return taken.get(username)

    password = make_password(BENCH_PASSWORD)
    now = timezone.now()
    weights = [6 if k == "commune" else 45 if k in ("dept", "district") else 80 for k in kinds]
    scale = users / sum(weights)
    quotas = [max(3, round(w * scale)) for w in weights]
    quotas[0] += users - sum(quotas)
    batch_users, batch_roles = [], []
    province_admin_given = False

    def flush():
        User.objects.bulk_create(batch_users, batch_size=2000)
        saved = dict(User.objects.filter(username__in=[u.username for u in batch_users]).values_list("username", "id"))
        Position.objects.bulk_create(
            [
                Position(user_id=saved[u.username], agency_id=a, unit=unit, title=title, role=role)
                for u, (a, unit, title, role) in zip(batch_users, batch_roles)
            ],
            batch_size=2000,
        )
        if progress:
            progress("users", len(batch_users))
        batch_users.clear()
        batch_roles.clear()

    for agency, kind, quota in zip(created, kinds, quotas):
        units = units_by_agency[agency.pk]
        for n in range(quota):
            female = rng.random() < 0.5
            full_name = " ".join(
                [
                    rng.choice(names.FAMILY),
                    rng.choice(names.MIDDLE_F if female else names.MIDDLE_M),
                    rng.choice(names.GIVEN_F if female else names.GIVEN_M),
                ]
            )
            birth = timezone.datetime(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28)).date()
            username = usernames.name_style_username(full_name, birth, lookup)
            taken[username] = full_name
            unit = units[n % len(units)]
            if n == 0:
                role, unit = Role.LEADER, None
            elif n == 1:
                role = Role.CLERK
            elif n == 2:
                role = Role.ADMIN
            elif n < 3 + len(units):
                role = Role.UNIT_LEADER
            elif kind == "dept" and n == 3 + len(units):
                role = Role.IT_OFFICER
            else:
                role = Role.STAFF
            if kind == "root" and not province_admin_given and role == Role.STAFF:
                role, province_admin_given = Role.PROVINCE_ADMIN, True
            title = rng.choice(names.TITLES.get(role, ["Quản trị hệ thống cấp tỉnh"]))
            batch_users.append(
                User(
                    username=username,
                    full_name=full_name,
                    birth_date=birth,
                    agency=agency,
                    password=password,
                    must_change_password=False,
                    password_issued_at=now,
                    password_changed_at=now,
                    date_joined=now,
                    email=f"{username}@hatinh.gov.vn",
                )
            )
            batch_roles.append((agency.pk, unit, title, role))
            result.users += 1
            if len(batch_users) >= 2000:
                flush()
    if batch_users:
        flush()
    journal.record(
        "sampledata.generate", details={"agencies": result.agencies, "units": result.units, "users": result.users}
    )
    return result
