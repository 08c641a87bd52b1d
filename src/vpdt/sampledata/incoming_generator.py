"""Incoming documents at province scale (up to millions), with assignments and journal trails.

Runs on the directory made by :mod:`vpdt.sampledata.generator`. Numbers are gapless per register and
year, and the counters are moved on so that registrations after the generation continue the series.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.models import Counter
from vpdt.directory.models import Agency, Position, Role
from vpdt.incoming.models import Assignment, AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument, Register
from vpdt.incoming.services import duplicate_key
from vpdt.journal import services as journal

from .generator import ROOT_CODE
from .outgoing_generator import _allocate_ids, _copy, _fast

ISSUERS = [
    ("Văn phòng Chính phủ", "000.00.00.G22"),
    ("Bộ Nội vụ", "000.00.00.G12"),
    ("Bộ Tài chính", "000.00.00.G09"),
    ("Bộ Kế hoạch và Đầu tư", "000.00.00.G06"),
    ("Bộ Xây dựng", "000.00.00.G15"),
    ("Bộ Thông tin và Truyền thông", "000.00.00.G17"),
    ("Ủy ban nhân dân tỉnh Hà Tĩnh", ROOT_CODE),
    ("Ủy ban nhân dân tỉnh Nghệ An", "000.00.00.H41"),
    ("Ủy ban nhân dân tỉnh Quảng Bình", "000.00.00.H45"),
    ("Kho bạc Nhà nước Hà Tĩnh", ""),
    ("Bảo hiểm xã hội tỉnh Hà Tĩnh", ""),
    ("Cục Thuế tỉnh Hà Tĩnh", ""),
]
TOPICS = [
    "triển khai kế hoạch cải cách hành chính năm 2027",
    "báo cáo tình hình kinh tế - xã hội quý IV",
    "tăng cường công tác phòng, chống thiên tai",
    "góp ý dự thảo Nghị quyết của HĐND tỉnh",
    "tổ chức hội nghị tổng kết công tác năm",
    "kiểm tra công tác văn thư, lưu trữ",
    "đôn đốc giải ngân vốn đầu tư công",
    "chuyển đổi số trong cơ quan nhà nước",
    "tuyển dụng công chức năm 2026",
    "bảo đảm an toàn thông tin mạng",
    "quyết toán ngân sách năm 2025",
    "thực hiện chế độ báo cáo thống kê",
    "phòng, chống dịch bệnh trên gia súc, gia cầm",
    "triển khai Luật Đất đai sửa đổi",
    "tổ chức Tết Nguyên đán Bính Ngọ",
]
NOTATIONS = [
    "UBND-KT",
    "UBND-TH",
    "VPCP-KGVX",
    "BNV-CCHC",
    "BTC-NSNN",
    "SXD-QLXD",
    "STTTT-CNTT",
    "TTr",
    "KH-UBND",
    "QĐ-UBND",
    "BC-UBND",
    "TB-VP",
]


def _actors(agencies):
    """Per agency: leader, clerk, units with their leaders and staff (one query)."""
    info = {
        a.pk: {"leader": None, "clerk": None, "units": defaultdict(lambda: {"leader": None, "staff": []})}
        for a in agencies
    }
    rows = Position.objects.filter(agency__in=agencies, is_active=True).values_list(
        "agency_id", "unit_id", "user_id", "role"
    )
    for agency_id, unit_id, user_id, role in rows:
        entry = info[agency_id]
        if role == Role.LEADER and entry["leader"] is None:
            entry["leader"] = user_id
        elif role == Role.CLERK and entry["clerk"] is None:
            entry["clerk"] = user_id
        elif unit_id and role == Role.UNIT_LEADER and entry["units"][unit_id]["leader"] is None:
            entry["units"][unit_id]["leader"] = user_id
        elif unit_id and role == Role.STAFF:
            entry["units"][unit_id]["staff"].append(user_id)
    return info


def generate_incoming(total: int, seed: int = 2026, progress=None, batch: int = 5000, with_trail: bool = True) -> int:
    root = Agency.objects.filter(code=ROOT_CODE).first()
    if root is None:
        raise RuntimeError("Chưa có danh bạ sinh tự động: chạy `vpdt generate-data` trước.")
    rng = random.Random(seed)
    agencies = [a for a in Agency.objects.filter(path__startswith=root.path).order_by("path")]
    actors = _actors(agencies)
    agencies = [a for a in agencies if actors[a.pk]["clerk"] and actors[a.pk]["leader"]]
    registers = {}
    for agency in agencies:
        registers[agency.pk] = Register.objects.get_or_create(
            agency=agency, code="VBĐ", defaults={"name": "Sổ văn bản đến", "is_default": True}
        )[0]
    types = list(DocumentType.objects.filter(is_active=True).values_list("pk", "name", "abbreviation"))
    weights = [8 if a.depth == 1 else 3 if a.level == 2 else 2 if a.level == 3 else 1 for a in agencies]
    shares = [round(total * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    for agency, count in zip(agencies, shares):
        if count <= 0:
            continue
        register = registers[agency.pk]
        who = actors[agency.pk]
        units = [(uid, u) for uid, u in who["units"].items() if u["staff"]]
        moments = sorted(now - timedelta(seconds=rng.randint(0, 540 * 86400)) for _ in range(count))
        for start in range(0, count, batch):
            chunk = moments[start : start + batch]
            made += _write_chunk(rng, agency, register, who, units, types, chunk, today, with_trail)
            if progress:
                progress(len(chunk))
    return made


def _write(model, objs) -> None:
    if not _fast():
        model.objects.bulk_create(objs, batch_size=2000)
        return
    now = timezone.now()
    for obj in objs:
        obj.created_at = now
    _allocate_ids(model, objs)
    _copy(model, objs)


def _write_chunk(rng, agency, register, who, units, types, moments, today, with_trail) -> int:
    docs, plans = [], []
    with transaction.atomic():
        years = defaultdict(int)
        for moment in moments:
            years[timezone.localtime(moment).year] += 1
        starts = {}
        for year, n in years.items():
            key = f"incoming:{register.pk}:{year}"
            Counter.objects.get_or_create(key=key)
            Counter.objects.filter(key=key).update(value=F("value") + n)
            starts[year] = Counter.objects.get(key=key).value - n
        for moment in moments:
            year = timezone.localtime(moment).year
            starts[year] += 1
            type_id, type_name, abbr = rng.choice(types)
            issuer, issuer_code = rng.choice(ISSUERS)
            issued = timezone.localtime(moment).date() - timedelta(days=rng.randint(0, 6))
            number = str(rng.randint(1, 9999))
            notation = f"{abbr}-{rng.choice(NOTATIONS)}" if abbr else rng.choice(NOTATIONS)
            age = (today - timezone.localtime(moment).date()).days
            status = (
                DocStatus.COMPLETED
                if age > 45 and rng.random() < 0.85
                else rng.choice(
                    [
                        DocStatus.REGISTERED,
                        DocStatus.SUBMITTED,
                        DocStatus.DIRECTED,
                        DocStatus.IN_PROGRESS,
                        DocStatus.COMPLETED,
                    ]
                )
            )
            urgency = rng.choices(list(Urgency.values), weights=[80, 12, 5, 2, 1])[0]
            deadline = timezone.localtime(moment).date() + timedelta(days=rng.choice([5, 7, 10, 15, 30]))
            directed = status in (DocStatus.DIRECTED, DocStatus.IN_PROGRESS, DocStatus.COMPLETED)
            docs.append(
                IncomingDocument(
                    agency=agency,
                    register=register,
                    year=year,
                    arrival_number=starts[year],
                    arrival_date=moment,
                    source=rng.choice(["paper", "paper", "electronic"]),
                    issuer_name=issuer,
                    issuer_code=issuer_code,
                    code_number=number,
                    code_notation=notation,
                    issued_date=issued,
                    doc_type_id=type_id,
                    subject=f"V/v {rng.choice(TOPICS)}",
                    page_amount=rng.randint(1, 12),
                    urgency=urgency,
                    signer_name="",
                    status=status,
                    leader_id=who["leader"] if status != DocStatus.REGISTERED else None,
                    submitted_at=moment + timedelta(hours=2) if status != DocStatus.REGISTERED else None,
                    direction="Giao phòng chuyên môn chủ trì tham mưu, báo cáo đúng hạn." if directed else "",
                    directed_by_id=who["leader"] if directed else None,
                    directed_at=moment + timedelta(hours=6) if directed else None,
                    deadline=deadline if directed else None,
                    completed_at=moment + timedelta(days=rng.randint(1, 20)) if status == DocStatus.COMPLETED else None,
                    duplicate_key=duplicate_key(issuer_code, issuer, number, notation, issued),
                    created_by_id=who["clerk"],
                )
            )
            plans.append(directed)
        if _fast():  # PostgreSQL: ids from the sequence, rows by COPY (several times bulk_create's speed)
            for doc in docs:
                doc.created_at = doc.updated_at = doc.arrival_date
            _allocate_ids(IncomingDocument, docs)
            _copy(IncomingDocument, docs)
        else:
            IncomingDocument.objects.bulk_create(docs, batch_size=2000)
        if any(d.pk is None for d in docs):  # backends that do not return ids
            ids = dict(
                IncomingDocument.objects.filter(
                    register=register, arrival_number__in=[d.arrival_number for d in docs]
                ).values_list("arrival_number", "id")
            )
            for d in docs:
                d.pk = d.id = ids[d.arrival_number]
        leads, children, trail = [], [], []
        for doc, directed in zip(docs, plans):
            if with_trail:
                trail.append(
                    {
                        "action": "incoming.register",
                        "actor_id": who["clerk"],
                        "agency_id": agency.pk,
                        "object_type": "incoming.incomingdocument",
                        "object_id": doc.pk,
                        "object_repr": f"Số đến {doc.arrival_number}/{doc.year}",
                        "created_at": doc.arrival_date,
                        "details": {"register": register.code, "number": doc.arrival_number},
                    }
                )
            if not directed or not units:
                continue
            unit_id, unit = rng.choice(units)
            done = doc.status == DocStatus.COMPLETED
            lead = Assignment(
                document=doc,
                role=AssignmentRole.LEAD,
                unit_id=unit_id,
                assigned_by_id=who["leader"],
                deadline=doc.deadline,
                status=AssignmentStatus.DONE if done else AssignmentStatus.IN_PROGRESS,
            )
            leads.append((lead, unit, done))
            if with_trail:
                trail.append(
                    {
                        "action": "incoming.direct",
                        "actor_id": who["leader"],
                        "agency_id": agency.pk,
                        "object_type": "incoming.incomingdocument",
                        "object_id": doc.pk,
                        "created_at": doc.directed_at,
                        "details": {"direction": doc.direction, "deadline": doc.deadline},
                    }
                )
        _write(Assignment, [lead for lead, _u, _d in leads])
        for lead, unit, done in leads:
            children.append(
                Assignment(
                    document_id=lead.document_id,
                    role=AssignmentRole.LEAD,
                    parent=lead,
                    user_id=rng.choice(unit["staff"]),
                    assigned_by_id=unit["leader"] or lead.assigned_by_id,
                    deadline=lead.deadline,
                    status=AssignmentStatus.DONE if done else AssignmentStatus.PENDING,
                )
            )
        _write(Assignment, children)
        if with_trail:
            journal.record_many(trail)
    return len(docs)
