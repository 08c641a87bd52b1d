"""Incoming documents: registration by the clerk, submission, direction by the leader (SPEC §2).

Every change goes through these functions, inside one transaction, and is journaled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.catalog.models import URGENT_LEVELS, Secrecy
from vpdt.core.authz import scope_of
from vpdt.core.fsm import Machine, Transition
from vpdt.core.services import next_value
from vpdt.directory.models import Position, Role, Unit
from vpdt.journal import services as journal
from vpdt.storage import services as storage

from . import uploads
from .models import (Assignment, AssignmentRole, AssignmentStatus, Attachment, DocStatus, IncomingDocument,
                     Register)

S = DocStatus

DOCUMENT = Machine(
    "status",
    [
        Transition("submit", {S.REGISTERED}, S.SUBMITTED, "Trình lãnh đạo"),
        Transition("direct", {S.SUBMITTED}, S.DIRECTED, "Cho ý kiến chỉ đạo"),
        Transition("start", {S.DIRECTED}, S.IN_PROGRESS, "Bắt đầu xử lý"),
        Transition("complete", {S.DIRECTED, S.IN_PROGRESS}, S.COMPLETED, "Hoàn thành xử lý"),
        Transition("reopen", {S.DIRECTED, S.IN_PROGRESS}, S.SUBMITTED, "Trả lại lãnh đạo cơ quan"),
    ],
    action_prefix="incoming",
    choices=S,
)


class RestrictedCategory:
    """Categories SPEC §7 forbids on the system, besides state secrets."""

    NONE = ""
    COMPLAINT = "complaint"
    SENSITIVE = "sensitive"
    HARMFUL = "harmful"
    CHOICES = [
        (NONE, "Không thuộc loại bị cấm"),
        (COMPLAINT, "Đơn thư khiếu nại, tố cáo"),
        (SENSITIVE, "Vấn đề tôn giáo, đối ngoại nhạy cảm chưa giải quyết"),
        (HARMFUL, "Nội dung độc hại"),
    ]


SECRET_MESSAGE = ("Văn bản mật ({level}) không được đăng ký trên hệ thống. Hãy vào “Sổ đăng ký văn bản mật” "
                  "bằng giấy và xử lý theo quy định về bảo vệ bí mật nhà nước.")
CATEGORY_MESSAGES = {
    RestrictedCategory.COMPLAINT: "Đơn thư khiếu nại, tố cáo không xử lý trên hệ thống: chuyển bộ phận tiếp công "
                                  "dân và vào sổ theo dõi đơn thư riêng.",
    RestrictedCategory.SENSITIVE: "Văn bản về vấn đề tôn giáo, đối ngoại nhạy cảm chưa được giải quyết không đưa "
                                  "lên hệ thống: xử lý bằng văn bản giấy theo quy định.",
    RestrictedCategory.HARMFUL: "Văn bản có nội dung độc hại không được đưa lên hệ thống.",
}
REQUIRED = {"issuer_name": "Cơ quan ban hành", "issued_date": "Ngày văn bản", "doc_type": "Loại văn bản",
            "subject": "Trích yếu"}
FIELD_NAMES = ("source", "issuer_name", "issuer_code", "code_number", "code_notation", "issued_date", "doc_type",
               "subject", "language", "page_amount", "description", "signer_position", "signer_name", "urgency",
               "to_places", "due_date", "field", "needs_reply", "reply_due")


class DuplicateWarning(ValidationError):
    """Same issuer, number and symbol, and date as an existing document; the clerk may confirm."""

    def __init__(self, existing: IncomingDocument):
        self.existing = existing
        super().__init__(
            f"Văn bản có thể trùng với văn bản đã vào sổ: số đến {existing.arrival_number}/{existing.year} "
            f"ngày {timezone.localtime(existing.arrival_date):%d/%m/%Y} ({existing.number_symbol}). "
            "Kiểm tra lại; nếu đúng là văn bản khác, hãy xác nhận để vào sổ.", code="duplicate")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def duplicate_key(issuer_code: str, issuer_name: str, code_number: str, code_notation: str, issued_date) -> str:
    issuer = (issuer_code or "").strip() or _fold(issuer_name)
    return f"{issuer}|{_fold(code_number)}/{_fold(code_notation)}|{issued_date}"


def find_duplicate(agency_id: int, key: str) -> IncomingDocument | None:
    return IncomingDocument.objects.filter(agency_id=agency_id, duplicate_key=key).order_by("id").first()


def default_register(agency) -> Register:
    register = Register.objects.filter(agency=agency, is_active=True).order_by("-is_default", "id").first()
    if register is None:
        register = Register.objects.create(agency=agency, name="Sổ văn bản đến", code="VBĐ", is_default=True)
    return register


def _require_clerk(actor, agency_id: int) -> None:
    scope = scope_of(actor)
    if not (scope.is_superuser or (scope.agency_id == agency_id and scope.has_role(Role.CLERK))):
        raise PermissionDenied("Chỉ văn thư của cơ quan được vào sổ văn bản đến.")


def _validate(data: dict) -> None:
    secrecy = data.get("secrecy") or Secrecy.NONE
    if secrecy != Secrecy.NONE:
        raise ValidationError({"secrecy": SECRET_MESSAGE.format(level=Secrecy(secrecy).label)}, code="secret")
    category = data.get("restricted_category") or RestrictedCategory.NONE
    if category in CATEGORY_MESSAGES:
        raise ValidationError({"restricted_category": CATEGORY_MESSAGES[category]}, code="forbidden")
    missing = {name: f"{label} là bắt buộc." for name, label in REQUIRED.items()
               if data.get(name) in (None, "", [])}
    if missing:
        raise ValidationError(missing, code="required")
    issued = data["issued_date"]
    if isinstance(issued, datetime) or not isinstance(issued, date):
        raise ValidationError({"issued_date": "Ngày văn bản không hợp lệ."})
    if issued > timezone.localdate():
        raise ValidationError({"issued_date": "Ngày văn bản không được sau ngày hôm nay."})
    if data.get("needs_reply") and not data.get("reply_due"):
        raise ValidationError({"reply_due": "Văn bản cần phúc đáp phải có hạn phúc đáp."})


@dataclass
class Registered:
    document: IncomingDocument
    submitted: bool


def register_document(actor, *, register: Register | None = None, agency=None, files=(), leader: User | None = None,
                      confirm_duplicate: bool = False, arrival_date: datetime | None = None, **data) -> Registered:
    """Register an incoming document with the next gapless số đến of its register and year.

    ``files`` are uploaded files (scans or electronic originals): sniffed, size-checked and scanned before
    anything is written. Urgent documents go to the leader at once; others wait for the next batch.
    """
    agency = register.agency if register is not None else agency
    if agency is None:
        raise ValidationError("Chưa chọn cơ quan hoặc sổ đăng ký.")
    _require_clerk(actor, agency.pk)
    register = register or default_register(agency)
    if register.agency_id != agency.pk or not register.is_active:
        raise ValidationError({"register": "Sổ đăng ký không thuộc cơ quan hoặc đã ngừng sử dụng."})
    _validate(data)
    checked = [uploads.check(f) for f in files]  # raises ValidationError before anything is written
    if leader is not None and not Position.objects.filter(user=leader, agency=agency, role=Role.LEADER,
                                                         is_active=True).exists():
        raise ValidationError({"leader": "Người được trình phải là lãnh đạo của cơ quan."})
    key = duplicate_key(data.get("issuer_code", ""), data["issuer_name"], data.get("code_number", ""),
                        data.get("code_notation", ""), data["issued_date"])
    existing = find_duplicate(agency.pk, key)
    if existing is not None and not confirm_duplicate:
        raise DuplicateWarning(existing)
    arrival = arrival_date or timezone.now()
    if arrival > timezone.now():
        raise ValidationError({"arrival_date": "Ngày đến không được ở tương lai."})
    year = timezone.localtime(arrival).year
    values = {k: data[k] for k in FIELD_NAMES if k in data}
    saved_files = []
    try:
        with transaction.atomic():
            number = next_value(f"incoming:{register.pk}:{year}")
            document = IncomingDocument(agency=agency, register=register, year=year, arrival_number=number,
                                        arrival_date=arrival, duplicate_key=key, created_by=actor, leader=leader,
                                        **values)
            document.full_clean(exclude=["duplicate_key"])
            document.save()
            for order, upload in enumerate(checked):
                stored = storage.store(upload.file, upload.name, folder="incoming", content_type=upload.mime,
                                       agency=agency, actor=actor)
                saved_files.append(stored.name)
                Attachment.objects.create(document=document, file=stored, order=order)
            journal.record("incoming.register", actor=actor, obj=document, agency=agency,
                           details={"register": register.code, "year": year, "number": number,
                                    "duplicate_confirmed": existing is not None,
                                    "files": [u.name for u in checked]})
            submitted = False
            if leader is not None and document.urgency in URGENT_LEVELS:
                submit(actor, document)
                submitted = True
    except Exception:
        from django.core.files.storage import default_storage

        for name in saved_files:
            default_storage.delete(name)
        raise
    return Registered(document=document, submitted=submitted)


def submit(actor, document: IncomingDocument, leader: User | None = None) -> IncomingDocument:
    """Trình: pass the document to the agency leader for direction."""
    _require_clerk(actor, document.agency_id)
    leader = leader or document.leader
    if leader is None:
        raise ValidationError({"leader": "Chưa chọn lãnh đạo để trình."})
    document.leader = leader
    document.submitted_at = timezone.now()
    DOCUMENT.apply(document, "submit", actor=actor, extra_fields=["leader", "submitted_at", "updated_at"],
                   details={"leader": leader.username})
    return document


def submit_batch(now: datetime | None = None) -> int:
    """Batch submission (default 9:00 and 15:00): every registered document that has a leader."""
    count = 0
    pending = IncomingDocument.objects.filter(status=S.REGISTERED, leader__isnull=False).order_by("id")
    for document in pending.iterator():
        with transaction.atomic():
            document.submitted_at = timezone.now()
            DOCUMENT.apply(document, "submit", actor=None, extra_fields=["submitted_at", "updated_at"],
                           details={"leader": document.leader.username, "batch": True})
        count += 1
    return count


@dataclass
class Target:
    role: str
    unit: Unit | None = None
    user: User | None = None
    deadline: date | None = None


def direct(actor, document: IncomingDocument, *, direction: str, targets: list[Target], deadline: date | None = None,
           field=None) -> IncomingDocument:
    """Bút phê: the leader's direction with exactly one lead handler, cooperating and for-information ones."""
    scope = scope_of(actor)
    if not (scope.agency_id == document.agency_id and scope.has_role(Role.LEADER)):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan được cho ý kiến chỉ đạo.")
    if not (direction or "").strip():
        raise ValidationError({"direction": "Ý kiến chỉ đạo là bắt buộc."})
    leads = [t for t in targets if t.role == AssignmentRole.LEAD]
    if len(leads) != 1:
        raise ValidationError({"targets": "Phải giao đúng một đơn vị hoặc cá nhân xử lý chính "
                                          "(không giao “đồng xử lý”)." if leads else
                                          "Chưa giao đơn vị hoặc cá nhân xử lý chính."}, code="lead")
    seen = set()
    for target in targets:
        if (target.unit is None) == (target.user is None):
            raise ValidationError({"targets": "Mỗi nơi nhận là một đơn vị hoặc một cá nhân."})
        if target.role not in AssignmentRole.values:
            raise ValidationError({"targets": "Vai trò xử lý không hợp lệ."})
        owner = target.unit.agency_id if target.unit else target.user.agency_id
        if owner != document.agency_id:
            raise ValidationError({"targets": "Chỉ giao cho đơn vị, cán bộ trong cơ quan."})
        ident = ("u", target.unit.pk) if target.unit else ("p", target.user.pk)
        if ident in seen:
            raise ValidationError({"targets": "Một nơi nhận được giao hai lần."})
        seen.add(ident)
        if target.deadline and target.deadline < timezone.localdate():
            raise ValidationError({"targets": "Hạn xử lý không được ở quá khứ."})
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Thời hạn giải quyết không được ở quá khứ."})
    with transaction.atomic():
        document.direction = direction.strip()
        document.directed_by = actor
        document.directed_at = timezone.now()
        document.deadline = deadline or leads[0].deadline
        document.field = field or document.field
        DOCUMENT.check(document, "direct")
        # Re-direction after a return: what is still open from the earlier direction is closed, so the new
        # direction has exactly one active lead. Returned and finished assignments stay as history.
        superseded = list(Assignment.objects.select_for_update().filter(document=document, status__in=OPEN)
                          .order_by("id").values_list("pk", flat=True))
        if superseded:
            Assignment.objects.filter(pk__in=superseded).update(
                status=AssignmentStatus.REASSIGNED, reason="Lãnh đạo cho ý kiến chỉ đạo lại.")
        DOCUMENT.apply(document, "direct", actor=actor,
                       extra_fields=["direction", "directed_by", "directed_at", "deadline", "field", "updated_at"],
                       details={"direction": document.direction, "deadline": document.deadline,
                                **({"superseded": superseded} if superseded else {}),
                                "targets": [{"role": t.role, "unit": t.unit.short_name if t.unit else None,
                                             "user": t.user.username if t.user else None,
                                             "to": _name(t.unit or t.user),
                                             "deadline": t.deadline} for t in targets]})
        created = Assignment.objects.bulk_create([
            Assignment(document=document, role=t.role, unit=t.unit, user=t.user, assigned_by=actor,
                       deadline=t.deadline or (document.deadline if t.role != AssignmentRole.INFORM else None))
            for t in targets
        ])
        for assignment in created:
            _notify_assigned(assignment)
    return document
