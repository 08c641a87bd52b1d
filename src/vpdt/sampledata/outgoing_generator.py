"""Outgoing documents at province scale (up to millions): drafts, review steps, issued documents, recipients.

Runs on the directory made by :mod:`vpdt.sampledata.generator`. Everything is written with bulk inserts, one
transaction per batch, without calling the services row by row:

* ~80 % issued, numbered gaplessly per agency, year and series (``chung``, and a ``qppl:QĐ`` series for
  legal normative decisions), the counters ``outgoing:{agency}:{year}:{series}`` moved to the highest number
  so that :func:`vpdt.outgoing.services.issue` continues the series; 1–3 recipients each (a unit of the
  agency or another agency of the province, with the delivery status 01–06 the recipient reported back);
* ~8 % in review (the active step at the unit leader or the agency leader, some late), ~5 % approved and
  waiting for the clerk, ~5 % drafting, ~2 % returned to the drafter;
* every document has version 1 (a short text), and the journal gets a valid hash chain
  (:func:`vpdt.journal.services.record_many`).
"""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F

from vpdt.catalog.models import URGENT_LEVELS, DocumentType, Urgency
from vpdt.core.models import Counter
from vpdt.core.workdays import add_working_days
from vpdt.directory.models import Agency, Position, Role, Unit
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry, JournalHead
from vpdt.outgoing import numbering
from vpdt.outgoing.models import (
    DeliveryStatus,
    OutgoingDocument,
    OutStatus,
    Recipient,
    RecipientKind,
    ReviewStep,
    StepKind,
    StepStatus,
    Version,
)

from .generator import ROOT_CODE

S, T, D = OutStatus, StepStatus, DeliveryStatus
STATUS_MIX = [(S.ISSUED, 80), (S.IN_REVIEW, 8), (S.APPROVED, 5), (S.DRAFTING, 5), (S.RETURNED, 2)]
TOPICS = [
    "triển khai kế hoạch cải cách hành chính năm 2027",
    "báo cáo tình hình kinh tế - xã hội quý IV",
    "tăng cường công tác phòng, chống thiên tai, tìm kiếm cứu nạn",
    "góp ý dự thảo Nghị quyết của HĐND tỉnh",
    "tổ chức hội nghị tổng kết công tác năm 2026",
    "kiểm tra công tác văn thư, lưu trữ",
    "đôn đốc giải ngân vốn đầu tư công",
    "đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
    "cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ",
    "bảo đảm an toàn thông tin mạng",
    "quyết toán ngân sách năm 2025",
    "thực hiện chế độ báo cáo thống kê",
    "phòng, chống dịch bệnh trên gia súc, gia cầm",
    "triển khai Luật Đất đai sửa đổi",
    "tổ chức Tết Nguyên đán Bính Ngọ an toàn, tiết kiệm",
    "rà soát thủ tục hành chính thuộc thẩm quyền",
    "thực hiện dịch vụ công trực tuyến toàn trình",
    "xây dựng nông thôn mới nâng cao",
]
PREFIX = {
    "": "V/v ",
    "QĐ": "Quyết định về việc ",
    "KH": "Kế hoạch ",
    "BC": "Báo cáo kết quả ",
    "TB": "Thông báo về việc ",
    "TTr": "Tờ trình về việc ",
    "GM": "Giấy mời họp về việc ",
    "CT": "Chỉ thị về việc ",
}
RETURN_REASONS = [
    "Đề nghị bổ sung số liệu quý III và rà soát lại căn cứ pháp lý.",
    "Nội dung chưa đúng thể thức, đề nghị sửa phần nơi nhận.",
    "Cần xin ý kiến Phòng Tài chính - Kế hoạch trước khi trình.",
]
REFUSALS = ["Văn bản gửi nhầm cơ quan, không thuộc thẩm quyền giải quyết.", "Thiếu phụ lục kèm theo."]
LATE_DELIVERY = [(D.REGISTERED, 20), (D.ASSIGNED, 20), (D.PROCESSING, 20), (D.COMPLETED, 35), (D.REFUSED, 5)]


@contextlib.contextmanager
def _keep_timestamps():
    """Let bulk_create keep the generated created_at/updated_at (auto_now would stamp them all 'now')."""
    fields = [
        OutgoingDocument._meta.get_field("created_at"),
        OutgoingDocument._meta.get_field("updated_at"),
        Version._meta.get_field("created_at"),
    ]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (now, add) in zip(fields, saved):
            f.auto_now, f.auto_now_add = now, add


def _fast() -> bool:
    return connection.vendor == "postgresql"


def _allocate_ids(model, objs) -> None:
    """Take primary keys from the table's sequence up front (PostgreSQL), so rows can be COPYed with them."""
    if not objs:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objs)]
        )
        for obj, (pk,) in zip(objs, cursor.fetchall()):
            obj.pk = pk


def _copy(model, objs) -> None:
    """COPY model instances into their table (PostgreSQL): no per-row SQL compilation, ~5x bulk_create."""
    if not objs:
        return
    from django.db.models import JSONField
    from psycopg.types.json import Jsonb

    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    names = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        for obj in objs:
            cp.write_row([Jsonb(getattr(obj, n)) if n in json_fields else getattr(obj, n) for n in names])


def _journal(items: list[dict]) -> None:
    """:func:`vpdt.journal.services.record_many`, with the same chain, written by COPY on PostgreSQL."""
    if not _fast():
        journal.record_many(items)
        return
    if not items:
        return
    head = journal._locked_head()
    entries = journal.sealed_entries(items, head)
    _allocate_ids(JournalEntry, entries)
    _copy(JournalEntry, entries)
    JournalHead.objects.filter(pk=1).update(seq=entries[-1].seq, hash=entries[-1].hash)


def _actors(agencies):
    """Per agency: leader (with title), clerk, units with their leader and staff — one query."""
    info = {
        a.pk: {"leader": None, "title": "", "clerk": None, "units": defaultdict(lambda: {"leader": None, "staff": []})}
        for a in agencies
    }
    rows = (
        Position.objects.filter(agency__in=agencies, is_active=True)
        .order_by("id")
        .values_list("agency_id", "unit_id", "user_id", "role", "title")
    )
    for agency_id, unit_id, user_id, role, title in rows:
        entry = info[agency_id]
        if role == Role.LEADER and entry["leader"] is None:
            entry["leader"], entry["title"] = user_id, title
        elif role == Role.CLERK and entry["clerk"] is None:
            entry["clerk"] = user_id
        elif unit_id and role == Role.UNIT_LEADER and entry["units"][unit_id]["leader"] is None:
            entry["units"][unit_id]["leader"] = user_id
        elif unit_id and role == Role.STAFF:
            entry["units"][unit_id]["staff"].append(user_id)
    return info


class _World:
    """What the batches share: agencies, their people and units, document types, the random generator."""

    def __init__(self, rng, agencies, actors, units, types, now, today):
        self.rng, self.agencies, self.actors, self.units, self.types = rng, agencies, actors, units, types
        self.now, self.today = now, today
        self.type_weights = [30 if not t.abbreviation else 8 if t.abbreviation in PREFIX else 1 for t in types]
        self.by_pk = {a.pk: a for a in agencies}
        self.due_cache = {}

    def due(self, start, days):
        key = (start, days)
        if key not in self.due_cache:
            self.due_cache[key] = add_working_days(start, days)
        return self.due_cache[key]


def generate_outgoing(
    total: int,
    seed: int = 2026,
    progress=None,
    batch: int = 5000,
    with_trail: bool = True,
    part: tuple[int, int] = (0, 1),
) -> int:
    """Generate ``total`` documents; ``part=(i, k)`` writes only the share of every k-th agency from the i-th,
    so k processes started with the same total and seed write the whole set in parallel (each agency's numbers
    stay gapless: one process per agency)."""
    from django.utils import timezone

    root = Agency.objects.filter(code=ROOT_CODE).first()
    if root is None:
        raise RuntimeError("Chưa có danh bạ sinh tự động: chạy `vpdt generate-data` trước.")
    index, parts = part
    rng = random.Random(seed + 1 + index)
    agencies = list(Agency.objects.filter(path__startswith=root.path, is_active=True).order_by("path"))
    actors = _actors(agencies)
    agencies = [
        a
        for a in agencies
        if actors[a.pk]["clerk"] and actors[a.pk]["leader"] and any(u["staff"] for u in actors[a.pk]["units"].values())
    ]
    units = {u.pk: u for u in Unit.objects.filter(agency__in=agencies)}
    types = [t for t in DocumentType.objects.filter(is_active=True, is_copy=False).order_by("pk")]
    if not types or len(agencies) < 2:
        raise RuntimeError("Thiếu loại văn bản hoặc cơ quan để sinh văn bản đi.")
    world = _World(rng, agencies, actors, units, types, timezone.now(), timezone.localdate())
    weights = [8 if a.depth == 1 else 3 if a.level == 2 else 2 if a.level == 3 else 1 for a in agencies]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    made = 0
    with _keep_timestamps():
        for position, (agency, count) in enumerate(zip(agencies, shares)):
            if count <= 0 or position % parts != index:
                continue
            plan = []
            for _ in range(count):
                status = rng.choices([s for s, _w in STATUS_MIX], weights=[w for _s, w in STATUS_MIX])[0]
                age = rng.randint(0, 540 * 86400) if status == S.ISSUED else rng.randint(0, 25 * 86400)
                plan.append((world.now - timedelta(seconds=age), status))
            plan.sort(key=lambda p: p[0])
            for start in range(0, count, batch):
                chunk = plan[start : start + batch]
                made += _write_chunk(world, agency, chunk, with_trail)
                if progress:
                    progress(len(chunk))
    return made


def _reserve_numbers(agency, wanted: dict) -> dict:
    """Move the counters on by the count wanted per (year, series); return the first free number of each."""
    starts = {}
    for (year, series), n in wanted.items():
        key = numbering.counter_key(agency.pk, year, series)
        Counter.objects.get_or_create(key=key)
        Counter.objects.filter(key=key).update(value=F("value") + n)
        starts[(year, series)] = Counter.objects.get(key=key).value - n + 1
    return starts


def _write_chunk(world: _World, agency: Agency, plan, with_trail: bool) -> int:
    from django.utils import timezone

    rng, who = world.rng, world.actors[agency.pk]
    units = [(uid, u) for uid, u in who["units"].items() if u["staff"]]
    docs, extras = [], []
    with transaction.atomic():
        for moment, status in plan:
            unit_id, unit = rng.choice(units)
            doc_type = rng.choices(world.types, weights=world.type_weights)[0]
            abbr = doc_type.abbreviation
            qppl = status == S.ISSUED and abbr == "QĐ" and rng.random() < 0.2
            topic = rng.choice(TOPICS)
            subject = (PREFIX.get(abbr) or f"{doc_type.name} về việc ") + topic
            doc = OutgoingDocument(
                agency=agency,
                unit_id=unit_id,
                drafter_id=rng.choice(unit["staff"]),
                doc_type=doc_type,
                is_legal_normative=qppl,
                subject=subject[:500],
                urgency=rng.choices(list(Urgency.values), weights=[85, 10, 3, 1, 1])[0],
                page_amount=rng.randint(1, 8),
                to_places=f"- Như trên;\n- Lưu: VT, {world.units[unit_id].short_name}.",
                signer_id=who["leader"],
                signer_position=who["title"],
                status=status,
                review_round=0 if status == S.DRAFTING else 1,
                created_at=moment,
                updated_at=moment,
            )
            doc.unit = world.units[unit_id]
            extras.append({"unit_leader": unit["leader"], "moment": moment})
            docs.append(doc)
        # Numbers: chronological within the agency, gapless per (year, series).
        wanted = defaultdict(int)
        for doc, extra in zip(docs, extras):
            if doc.status != S.ISSUED:
                continue
            issued_at = extra["moment"] + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
            issued_at = min(issued_at, world.now)
            extra["issued_at"] = issued_at
            doc.year = timezone.localtime(issued_at).year
            doc.series = numbering.series_of(doc)
            wanted[(doc.year, doc.series)] += 1
        starts = _reserve_numbers(agency, wanted)
        for doc, extra in zip(docs, extras):
            if doc.status in (S.APPROVED, S.ISSUED):
                doc.approved_by_id = who["leader"]
                doc.approved_at = extra["moment"] + timedelta(hours=rng.randint(4, 20))
        for doc, extra in sorted(zip(docs, extras), key=lambda pair: pair[1].get("issued_at") or world.now):
            if doc.status != S.ISSUED:
                continue
            key = (doc.year, doc.series)
            doc.number = starts[key]
            starts[key] += 1
            doc.code_number = numbering.format_number(doc.number)
            doc.code_notation = numbering.notation(doc, doc.year)
            doc.issued_at = extra["issued_at"]
            doc.issued_date = timezone.localtime(doc.issued_at).date()
            doc.issued_by_id = who["clerk"]
            doc.approved_at = min(doc.approved_at, doc.issued_at)
            doc.confirmed_at = doc.issued_at + timedelta(hours=2) if rng.random() < 0.9 else None
            doc.updated_at = doc.issued_at
        fast = _fast()
        if fast:
            _allocate_ids(OutgoingDocument, docs)
        else:
            OutgoingDocument.objects.bulk_create(docs, batch_size=2000)
        if any(d.pk is None for d in docs):
            raise RuntimeError("CSDL không trả về khóa của văn bản vừa tạo.")
        versions, steps, recipients, trail, current = [], [], [], [], []
        for doc, extra in zip(docs, extras):
            moment = extra["moment"]
            versions.append(
                Version(
                    document=doc,
                    number=1,
                    author_id=doc.drafter_id,
                    note="Dự thảo lần đầu",
                    created_at=moment,
                    text=f"{doc.subject}\n\nCăn cứ chức năng, nhiệm vụ được giao, "
                    f"{agency.name} đề nghị các cơ quan, đơn vị liên quan triển khai thực hiện.",
                )
            )
            if with_trail:
                trail.append(
                    {
                        "action": "outgoing.create",
                        "actor_id": doc.drafter_id,
                        "agency_id": agency.pk,
                        "object_type": "outgoing.outgoingdocument",
                        "object_id": doc.pk,
                        "object_repr": f"Dự thảo: {doc.subject[:80]}",
                        "created_at": moment,
                        "details": {"subject": doc.subject, "reply_to": None, "related_to": None, "relation": ""},
                    }
                )
            if doc.status == S.DRAFTING:
                continue
            active = _steps(world, doc, extra, steps)
            if active is not None:
                current.append((doc, active))
            if with_trail:
                trail.append(
                    {
                        "action": "outgoing.submit",
                        "actor_id": doc.drafter_id,
                        "agency_id": agency.pk,
                        "object_type": "outgoing.outgoingdocument",
                        "object_id": doc.pk,
                        "object_repr": f"Dự thảo: {doc.subject[:80]}",
                        "created_at": moment + timedelta(hours=1),
                        "details": {"from": "drafting", "to": "in_review", "round": 1, "version": 1},
                    }
                )
            if doc.status == S.ISSUED:
                _recipients(world, agency, doc, recipients)
                if with_trail:
                    trail.append(
                        {
                            "action": "outgoing.issue",
                            "actor_id": who["clerk"],
                            "agency_id": agency.pk,
                            "object_type": "outgoing.outgoingdocument",
                            "object_id": doc.pk,
                            "object_repr": doc.number_symbol,
                            "created_at": doc.issued_at,
                            "details": {
                                "from": "approved",
                                "to": "issued",
                                "number_symbol": doc.number_symbol,
                                "series": doc.series,
                                "issued_date": doc.issued_date.isoformat(),
                            },
                        }
                    )
        if fast:  # ids first, so the documents carry their current step; COPY everything
            _allocate_ids(ReviewStep, steps)
            for doc, step in current:
                doc.current_step_id = step.pk
            _allocate_ids(Version, versions)
            _allocate_ids(Recipient, recipients)
            for model, objs in (
                (OutgoingDocument, docs),
                (Version, versions),
                (ReviewStep, steps),
                (Recipient, recipients),
            ):
                _copy(model, objs)
        else:
            Version.objects.bulk_create(versions, batch_size=2000)
            ReviewStep.objects.bulk_create(steps, batch_size=2000)
            Recipient.objects.bulk_create(recipients, batch_size=2000)
            for doc, step in current:
                doc.current_step_id = step.pk
            if current:
                OutgoingDocument.objects.bulk_update([d for d, _s in current], ["current_step"], batch_size=1000)
        if with_trail:
            _journal(trail)
    return len(docs)


def _steps(world: _World, doc, extra, out: list):
    """Round 1 of the default chain (unit leader, then the agency leader); returns the active step, if any."""
    rng = world.rng
    submitted = extra["moment"] + timedelta(hours=1)
    planned = []
    if extra["unit_leader"]:
        planned.append((StepKind.UNIT_LEADER, "Lãnh đạo đơn vị soạn thảo duyệt nội dung", extra["unit_leader"]))
    planned.append((StepKind.SIGNER, "Lãnh đạo cơ quan duyệt ký", doc.signer_id))
    # Which step is where it stops, and how.
    if doc.status == S.IN_REVIEW or doc.status == S.RETURNED:
        stop = rng.randrange(len(planned))
    else:
        stop = len(planned)
    late = doc.status == S.IN_REVIEW and rng.random() < 0.3
    started = submitted
    active = None
    for order, (kind, label, reviewer) in enumerate(planned, start=1):
        step = ReviewStep(document=doc, round=1, order=order, label=label, kind=kind, reviewer_id=reviewer, days=3)
        if order - 1 < stop:
            step.status = T.APPROVED
            step.started_at = started
            step.due_date = world.due(started.date(), 1 if doc.urgency in URGENT_LEVELS else 3)
            step.decided_at = started + timedelta(hours=rng.randint(1, 30))
            step.decided_by_id = reviewer
            step.comment = "Đồng ý." if rng.random() < 0.5 else ""
            started = step.decided_at
            if doc.status in (S.APPROVED, S.ISSUED):
                step.decided_at = min(step.decided_at, doc.approved_at)
        elif order - 1 == stop and doc.status == S.IN_REVIEW:
            step.status = T.ACTIVE
            if late:  # started long enough ago to be past its due date
                started = world.now - timedelta(days=rng.randint(6, 15))
            started = min(started, world.now)
            step.started_at = started
            step.due_date = world.due(started.date(), 3)
            active = step
        elif order - 1 == stop and doc.status == S.RETURNED:
            step.status = T.RETURNED
            step.started_at = started
            step.due_date = world.due(started.date(), 3)
            step.decided_at = started + timedelta(hours=rng.randint(2, 30))
            step.decided_by_id = reviewer
            step.comment = rng.choice(RETURN_REASONS)
        else:
            step.status = T.CANCELLED if doc.status == S.RETURNED else T.WAITING
        out.append(step)
    return active


def _recipients(world: _World, agency, doc, out: list) -> None:
    rng = world.rng
    age = (world.now - doc.issued_at).days
    own_units = [uid for uid in world.actors[agency.pk]["units"] if uid != doc.unit_id]
    chosen = set()
    wanted = rng.randint(1, 3)
    for _ in range(10):
        if len(chosen) >= wanted:
            break
        if own_units and rng.random() < 0.35:
            uid = rng.choice(own_units)
            if ("u", uid) in chosen:
                continue
            chosen.add(("u", uid))
            out.append(
                Recipient(
                    document=doc,
                    kind=RecipientKind.UNIT,
                    unit_id=uid,
                    name=world.units[uid].name,
                    for_information=rng.random() < 0.5,
                )
            )
            continue
        other = rng.choice(world.agencies)
        if other.pk == agency.pk or ("a", other.pk) in chosen or other.exchange_only_with_parent:
            continue
        chosen.add(("a", other.pk))
        if age <= 3:
            status = D.ARRIVED if rng.random() < 0.7 else D.REGISTERED
        else:
            status = rng.choices([s for s, _w in LATE_DELIVERY], weights=[w for _s, w in LATE_DELIVERY])[0]
        status_at = (
            doc.issued_at
            if status == D.ARRIVED
            else min(doc.issued_at + timedelta(hours=rng.randint(1, 24 * max(1, min(age, 20)))), world.now)
        )
        out.append(
            Recipient(
                document=doc,
                kind=RecipientKind.AGENCY,
                agency_id=other.pk,
                name=other.name[:300],
                status=status,
                delivered_at=doc.issued_at,
                status_at=status_at,
                reason=rng.choice(REFUSALS) if status == D.REFUSED else "",
                handled_by_id=None if status == D.ARRIVED else world.actors[other.pk]["clerk"],
            )
        )
