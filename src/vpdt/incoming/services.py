"""Incoming documents: registration by the clerk, submission, direction by the leader (SPEC §2).

Every change goes through these functions, inside one transaction, and is journaled.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.catalog.models import URGENT_LEVELS, Secrecy
from vpdt.core import deadlines
from vpdt.core.authz import scope_of, visible
from vpdt.core.fsm import Machine, Transition
from vpdt.core.services import next_value
from vpdt.delegation import services as delegation
from vpdt.digitize import scans as digitize_scans
from vpdt.digitize import services as digitize
from vpdt.directory import members
from vpdt.directory.models import Position, Role, Unit
from vpdt.journal import services as journal
from vpdt.signing import receipt
from vpdt.storage import services as storage

from . import uploads
from .models import (Assignment, AssignmentRole, AssignmentStatus, Attachment, DocStatus, IncomingDocument,
                     NoteKind, Notification, ProcessingNote, Register, ReplyRecord, ReplyStatus)

log = logging.getLogger(__name__)

S = DocStatus

DOCUMENT = Machine(
    "status",
    [
        Transition("submit", {S.REGISTERED}, S.SUBMITTED, "Trình lãnh đạo"),
        Transition("direct", {S.SUBMITTED}, S.DIRECTED, "Cho ý kiến chỉ đạo"),
        Transition("start", {S.DIRECTED}, S.IN_PROGRESS, "Bắt đầu xử lý"),
        Transition("complete", {S.DIRECTED, S.IN_PROGRESS}, S.COMPLETED, "Hoàn thành xử lý"),
        Transition("reopen", {S.DIRECTED, S.IN_PROGRESS}, S.SUBMITTED, "Trả lại lãnh đạo cơ quan"),
        Transition("withdraw", {S.REGISTERED, S.SUBMITTED, S.DIRECTED, S.IN_PROGRESS, S.COMPLETED}, S.WITHDRAWN,
                   "Thu hồi theo yêu cầu nơi gửi"),
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
                      confirm_duplicate: bool = False, arrival_date: datetime | None = None, stored_files=(),
                      scans=(), **data) -> Registered:
    """Register an incoming document with the next gapless số đến of its register and year.

    ``files`` are uploaded files (scans or electronic originals): sniffed, size-checked and scanned before
    anything is written. ``stored_files`` are files already in storage (an electronic document delivered by
    another agency of the deployment): they are attached as they are, never copied or rewritten. ``scans`` are
    ids of the agency's scans waiting for registration (:mod:`vpdt.digitize.scans`): their files come first.
    Urgent documents go to the leader at once; others wait for the next batch.
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
    receipt.check_uploads(actor, agency, checked)  # signature policy "refuse": before anything is written
    if leader is not None:
        _require_leader(leader, agency.pk)
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
            claimed = digitize_scans.claim(actor, agency, scans, document)  # locked: registered once
            uploaded = list(claimed)
            for order, stored in enumerate(uploaded):
                Attachment.objects.create(document=document, file=stored, order=order)
            for order, upload in enumerate(checked, start=len(uploaded)):
                stored = storage.store(upload.file, upload.name, folder="incoming", content_type=upload.mime,
                                       agency=agency, actor=actor)
                saved_files.append(stored.name)
                uploaded.append(stored)
                Attachment.objects.create(document=document, file=stored, order=order)
            for order, stored in enumerate(stored_files, start=len(uploaded)):
                Attachment.objects.create(document=document, file=stored, order=order)
            journal.record("incoming.register", actor=actor, obj=document, agency=agency,
                           details={"register": register.code, "year": year, "number": number,
                                    "duplicate_confirmed": existing is not None,
                                    "files": [u.name for u in checked],
                                    **({"scan_files": [f.pk for f in claimed]} if claimed else {})})
            receipt.on_registered(actor, document, uploaded=uploaded, delivered=stored_files)  # verify, policy
            # Issue 6: OCR / text extraction of every scan, PDF or office file, sent to the "ocr" queue after commit.
            digitize.enqueue_attachments(actor, document)
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


LEADER_MESSAGE = "Người được trình phải là lãnh đạo đang công tác tại cơ quan (tài khoản đang hoạt động)."


def _require_leader(leader: User, agency_id: int) -> None:
    members.require_member(leader, agency_id, roles=(Role.LEADER,), field="leader", message=LEADER_MESSAGE)


def submit(actor, document: IncomingDocument, leader: User | None = None) -> IncomingDocument:
    """Trình: pass the document to the agency leader for direction (a current leader of the document's agency)."""
    _require_clerk(actor, document.agency_id)
    leader = leader or document.leader
    if leader is None:
        raise ValidationError({"leader": "Chưa chọn lãnh đạo để trình."})
    _require_leader(leader, document.agency_id)
    document.leader = leader
    document.submitted_at = timezone.now()
    DOCUMENT.apply(document, "submit", actor=actor, extra_fields=["leader", "submitted_at", "updated_at"],
                   details={"leader": leader.username})
    return document


def submit_batch(now: datetime | None = None) -> int:
    """Batch submission (default 9:00 and 15:00): every registered document whose leader is still a leader of
    its agency (one who left waits for the clerk to choose another)."""
    count = 0
    pending = (IncomingDocument.objects.filter(status=S.REGISTERED, leader__isnull=False)
               .filter(members.holds_position("leader_id", "agency_id", roles=(Role.LEADER,))).order_by("id"))
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


def _document_principal(actor, document: IncomingDocument, *args, **kwargs) -> int | None:
    """A leader acting for the leader the document was submitted to."""
    return document.leader_id


TARGET_MESSAGE = ("Chỉ giao cho đơn vị đang hoạt động, cán bộ đang công tác trong cơ quan (tài khoản đang "
                  "hoạt động).")


@delegation.acting("incoming", _document_principal)
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
        if target.unit is not None:
            members.require_unit(target.unit, document.agency_id, field="targets", message=TARGET_MESSAGE)
        else:
            members.require_member(target.user, document.agency_id, field="targets", message=TARGET_MESSAGE)
        ident = ("u", target.unit.pk) if target.unit else ("p", target.user.pk)
        if ident in seen:
            raise ValidationError({"targets": "Một nơi nhận được giao hai lần."})
        seen.add(ident)
        if target.deadline and target.deadline < timezone.localdate():
            raise ValidationError({"targets": "Hạn xử lý không được ở quá khứ."})
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Thời hạn giải quyết không được ở quá khứ."})
    if field is not None and field.agency_id != document.agency_id:
        raise ValidationError({"field": "Lĩnh vực phải thuộc danh mục lĩnh vực của cơ quan."})
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



# ---------------------------------------------------------------------------------------------------------------
# Processing: distribution within a unit, return, reassignment, notes, completion (SPEC §2.3–2.4)
# ---------------------------------------------------------------------------------------------------------------

A = AssignmentStatus
OPEN = (A.PENDING, A.IN_PROGRESS)

ASSIGNMENT = Machine(
    "status",
    [
        Transition("start", {A.PENDING}, A.IN_PROGRESS, "Bắt đầu xử lý"),
        Transition("complete", {A.PENDING, A.IN_PROGRESS}, A.DONE, "Hoàn thành"),
        Transition("read", {A.PENDING, A.IN_PROGRESS}, A.DONE, "Đánh dấu đã đọc"),
        Transition("return", {A.PENDING, A.IN_PROGRESS}, A.RETURNED, "Trả lại"),
        Transition("reassign", {A.PENDING, A.IN_PROGRESS}, A.REASSIGNED, "Chuyển người khác"),
        Transition("withdraw", {A.PENDING, A.IN_PROGRESS}, A.RETURNED, "Thu hồi theo yêu cầu nơi gửi"),
    ],
    action_prefix="incoming.assignment",
    choices=A,
)

# Fired inside the transaction of request_reply(record=...): the outgoing capability connects here to create
# the linked outgoing draft and then calls link_reply().
reply_requested = Signal()


def _name(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, Unit):
        return obj.name
    return getattr(obj, "full_name", "") or getattr(obj, "username", "") or str(obj)


def _assignee(assignment: Assignment) -> str:
    return _name(assignment.unit if assignment.unit_id else assignment.user)


def document_url(document: IncomingDocument) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("incoming:detail", args=[document.pk])
    except NoReverseMatch:
        return f"/van-ban-den/{document.pk}/"


def _unit_leaders(unit_id: int):
    return User.objects.filter(positions__unit_id=unit_id, positions__role=Role.UNIT_LEADER,
                               positions__is_active=True, is_active=True).distinct().order_by("id")


def _recipients(assignment: Assignment) -> list:
    if assignment.user_id:
        return [assignment.user] if assignment.user.is_active else []
    return list(_unit_leaders(assignment.unit_id))


def _notify(users, text: str, url: str = "") -> list[Notification]:
    return Notification.objects.bulk_create([Notification(user=u, text=text[:500], url=url) for u in users])


def _notify_assigned(assignment: Assignment) -> None:
    doc = assignment.document
    text = (f"{assignment.get_role_display()}: văn bản đến số {doc.arrival_number}/{doc.year}"
            f"{' (' + doc.number_symbol + ')' if doc.number_symbol else ''} – {doc.subject}")
    if assignment.deadline:
        text += f". Hạn xử lý: {assignment.deadline:%d/%m/%Y}"
    _notify(_recipients(assignment), text, document_url(doc))


def _move(assignment: Assignment, name: str, *, actor, details: dict | None = None, extra_fields=()) -> Assignment:
    """Apply an ASSIGNMENT transition, journaled on the document (so the trail reads from one place): ``to`` is
    the assignee (as in every trail entry), ``status`` the new state."""
    return ASSIGNMENT.apply(assignment, name, actor=actor, extra_fields=extra_fields,
                            journal_obj=assignment.document,
                            details={"assignment": assignment.pk, "role": assignment.role,
                                     "to": _assignee(assignment), "status": ASSIGNMENT.get(name).target,
                                     **(details or {})})


def _lock(assignment: Assignment) -> Assignment:
    """Reload the assignment (and its document) under a row lock inside the current transaction."""
    document = IncomingDocument.objects.select_for_update().get(pk=assignment.document_id)  # document first
    fresh = Assignment.objects.select_for_update(of=("self",)).select_related("unit", "user", "parent").get(
        pk=assignment.pk)
    fresh.document = document
    return fresh


def _copy_back(target: Assignment, source: Assignment) -> Assignment:
    for f in ("status", "result", "reason", "completed_at", "last_reminded_on"):
        setattr(target, f, getattr(source, f))
    target.document = source.document
    return target


def _leads(actor, unit_id) -> bool:
    return unit_id is not None and unit_id in scope_of(actor).led_unit_ids


def _is_handler(actor, assignment: Assignment) -> bool:
    """The assignee, or for a unit assignment the unit's leader (in person or under a delegation)."""
    if assignment.user_id:
        return assignment.user_id == actor.pk or assignment.user_id in delegation.delegator_ids(actor, "incoming")
    return _leads(actor, assignment.unit_id)


def _assignment_principal(actor, assignment: Assignment, *args, **kwargs) -> int | None:
    """Whom the actor acts for on this assignment under a delegation (None: in their own right)."""
    if assignment.user_id:
        return assignment.user_id
    if assignment.unit_id is None or _leads_in_person(actor, assignment.unit_id):
        return None
    leaders = Position.objects.filter(unit_id=assignment.unit_id, role=Role.UNIT_LEADER, is_active=True,
                                      user_id__in=delegation.delegator_ids(actor, "incoming"))
    return leaders.values_list("user_id", flat=True).first()


def _leads_in_person(actor, unit_id) -> bool:
    return Position.objects.filter(user=actor, unit_id=unit_id, role=Role.UNIT_LEADER, is_active=True).exists()


def _require_processing(document: IncomingDocument) -> None:
    if document.status not in (S.DIRECTED, S.IN_PROGRESS):
        raise ValidationError(f"Văn bản đang ở trạng thái “{document.get_status_display()}”, "
                              "không thể xử lý.", code="document_state")


def _require_open(assignment: Assignment) -> None:
    if assignment.status not in OPEN:
        raise ValidationError(f"Phân công đang ở trạng thái “{assignment.get_status_display()}”, "
                              "không thể thực hiện.", code="assignment_state")


def _check_deadline(deadline: date | None) -> None:
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Hạn xử lý không được ở quá khứ."})


def _require_unit_member(user, assignment: Assignment) -> None:
    """The staff member holds an active position in the unit, within the document's agency, and can log in."""
    members.require_member(user, assignment.document.agency_id, unit_id=assignment.unit_id, field="user",
                           message="Chỉ giao cho cán bộ đang công tác tại đơn vị.")


def _start_document(document: IncomingDocument, actor) -> None:
    if document.status == S.DIRECTED:
        DOCUMENT.apply(document, "start", actor=actor, extra_fields=["updated_at"])


@delegation.acting("incoming", _assignment_principal)
def distribute(actor, assignment: Assignment, *, user, deadline: date | None = None, opinion: str = "") -> Assignment:
    """The unit leader passes a unit assignment to a staff member of the unit, with an opinion and deadline."""
    if assignment.unit_id is None:
        raise ValidationError("Chỉ phân công tiếp được phân công giao cho đơn vị.", code="not_unit")
    if not _leads(actor, assignment.unit_id):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị được giao việc cho cán bộ của đơn vị.")
    _check_deadline(deadline)
    _require_unit_member(user, assignment)
    with transaction.atomic():
        locked = _lock(assignment)
        _require_processing(locked.document)
        _require_open(locked)
        if locked.children.filter(user=user, status__in=OPEN).exists():
            raise ValidationError({"user": f"{_name(user)} đã được giao xử lý văn bản này."}, code="already")
        child = Assignment.objects.create(
            document=locked.document, role=locked.role, user=user, parent=locked, assigned_by=actor,
            deadline=deadline or locked.deadline, opinion=(opinion or "").strip())
        journal.record("incoming.assignment.distribute", actor=actor, obj=locked.document,
                       details={"assignment": child.pk, "parent": locked.pk, "role": child.role,
                                "unit": _name(locked.unit), "to": _name(user), "deadline": child.deadline,
                                "opinion": child.opinion})
        if locked.status == A.PENDING:
            _move(locked, "start", actor=actor)
        _notify_assigned(child)
    _copy_back(assignment, locked)
    return child


@delegation.acting("incoming", _assignment_principal)
def return_to_leader(actor, assignment: Assignment, reason: str) -> Assignment:
    """The unit leader (or a person the leader assigned directly) returns the work to the agency leader.

    Returning the lead sends the document back to “chờ lãnh đạo cho ý kiến” so the leader can direct again.
    """
    reason = (reason or "").strip()
    if assignment.parent_id is not None:
        raise ValidationError("Chỉ trả lại được phân công do lãnh đạo cơ quan giao.", code="not_top")
    if not _is_handler(actor, assignment):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị được giao (hoặc người được giao) mới được trả lại.")
    if len(reason) < 5:
        raise ValidationError({"reason": "Lý do trả lại phải có ít nhất 5 ký tự."}, code="reason")
    with transaction.atomic():
        locked = _lock(assignment)
        document = locked.document
        _require_processing(document)
        _require_open(locked)
        for child in locked.children.select_for_update().filter(status__in=OPEN):
            child.document = document
            child.reason = "Đơn vị đã trả lại văn bản cho lãnh đạo cơ quan."
            _move(child, "reassign", actor=actor, extra_fields=["reason"], details={"reason": child.reason})
        locked.reason = reason
        _move(locked, "return", actor=actor, extra_fields=["reason"], details={"reason": reason})
        if locked.role == AssignmentRole.LEAD:
            DOCUMENT.apply(document, "reopen", actor=actor, extra_fields=["updated_at"],
                           details={"reason": reason, "assignment": locked.pk, "by": _assignee(locked)})
        leader = document.directed_by or document.leader
        if leader is not None:
            _notify([leader], f"{_assignee(locked)} trả lại văn bản đến số {document.arrival_number}/"
                              f"{document.year}: {reason}", document_url(document))
    return _copy_back(assignment, locked)


@delegation.acting("incoming", _assignment_principal)
def reassign(actor, assignment: Assignment, *, user, reason: str, deadline: date | None = None) -> Assignment:
    """The unit leader moves a staff member's assignment to another staff member of the unit."""
    reason = (reason or "").strip()
    parent = assignment.parent
    if parent is None or parent.unit_id is None or assignment.user_id is None:
        raise ValidationError("Chỉ chuyển được phân công cán bộ trong đơn vị.", code="not_child")
    if not _leads(actor, parent.unit_id):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị được chuyển việc cho cán bộ khác.")
    if not reason:
        raise ValidationError({"reason": "Phải nêu lý do chuyển người khác."}, code="reason")
    if user is not None and user.pk == assignment.user_id:
        raise ValidationError({"user": "Cán bộ mới phải khác cán bộ đang được giao."}, code="same")
    _check_deadline(deadline)
    _require_unit_member(user, parent)
    with transaction.atomic():
        locked = _lock(assignment)
        _require_processing(locked.document)
        _require_open(locked)
        locked.reason = reason
        _move(locked, "reassign", actor=actor, extra_fields=["reason"],
              details={"reason": reason, "new_user": _name(user)})
        new = Assignment.objects.create(
            document=locked.document, role=locked.role, user=user, parent_id=locked.parent_id, assigned_by=actor,
            deadline=deadline or locked.deadline, opinion=locked.opinion)
        journal.record("incoming.assignment.distribute", actor=actor, obj=locked.document,
                       details={"assignment": new.pk, "parent": locked.parent_id, "replaces": locked.pk,
                                "role": new.role, "unit": _name(parent.unit), "to": _name(user),
                                "deadline": new.deadline, "opinion": new.opinion, "reason": reason})
        _notify_assigned(new)
    _copy_back(assignment, locked)
    return new


@delegation.acting("incoming", _assignment_principal)
def add_note(actor, assignment: Assignment, kind: str, text: str) -> ProcessingNote:
    """Record progress (tiến độ) or a proposal (ý kiến đề xuất)."""
    text = (text or "").strip()
    if kind not in (NoteKind.PROGRESS, NoteKind.PROPOSAL):
        raise ValidationError({"kind": "Chỉ ghi được tiến độ hoặc ý kiến đề xuất."}, code="kind")
    if not _is_handler(actor, assignment):
        raise PermissionDenied("Chỉ người được giao xử lý (hoặc lãnh đạo đơn vị được giao) được ghi ý kiến.")
    if assignment.role == AssignmentRole.INFORM:
        raise ValidationError("Văn bản gửi để biết, không ghi tiến độ hay đề xuất.", code="inform")
    if not text:
        raise ValidationError({"text": "Nội dung là bắt buộc."}, code="required")
    with transaction.atomic():
        locked = _lock(assignment)
        _require_processing(locked.document)
        _require_open(locked)
        note = ProcessingNote.objects.create(assignment=locked, kind=kind, text=text, author=actor)
        journal.record("incoming.assignment.note", actor=actor, obj=locked.document,
                       details={"assignment": locked.pk, "to": _assignee(locked), "kind": kind, "text": text})
        if locked.status == A.PENDING:
            _move(locked, "start", actor=actor)
        if locked.parent_id and locked.parent.status == A.PENDING:
            parent = Assignment.objects.select_for_update().get(pk=locked.parent_id)
            parent.document = locked.document
            _move(parent, "start", actor=actor)
        _start_document(locked.document, actor)
    _copy_back(assignment, locked)
    return note


@delegation.acting("incoming", _assignment_principal)
def complete(actor, assignment: Assignment, result: str) -> Assignment:
    """The handler completes with a result. Completing the lead (unit or person) completes the document."""
    result = (result or "").strip()
    if not _is_handler(actor, assignment):
        raise PermissionDenied("Chỉ người được giao xử lý (hoặc lãnh đạo đơn vị được giao) được hoàn thành.")
    if assignment.role == AssignmentRole.INFORM:
        raise ValidationError("Văn bản gửi để biết chỉ cần đánh dấu đã đọc.", code="inform")
    if not result:
        raise ValidationError({"result": "Kết quả xử lý là bắt buộc."}, code="required")
    with transaction.atomic():
        locked = _lock(assignment)
        document = locked.document
        _require_processing(document)
        _require_open(locked)
        if locked.unit_id and locked.children.filter(status__in=OPEN).exists():
            raise ValidationError("Còn cán bộ của đơn vị chưa hoàn thành phần việc được giao.", code="children")
        ProcessingNote.objects.create(assignment=locked, kind=NoteKind.RESULT, text=result, author=actor)
        locked.result = result
        locked.completed_at = timezone.now()
        _move(locked, "complete", actor=actor, extra_fields=["result", "completed_at"], details={"result": result})
        if locked.parent_id is None and locked.role == AssignmentRole.LEAD:
            document.completed_at = locked.completed_at
            DOCUMENT.apply(document, "complete", actor=actor, extra_fields=["completed_at", "updated_at"],
                           details={"assignment": locked.pk, "by": _assignee(locked), "result": result})
    return _copy_back(assignment, locked)


@delegation.acting("incoming", _assignment_principal)
def mark_read(actor, assignment: Assignment) -> Assignment:
    """A for-information (để biết) assignment is done once read. Idempotent."""
    if assignment.role != AssignmentRole.INFORM:
        raise ValidationError("Chỉ văn bản gửi để biết mới đánh dấu đã đọc.", code="not_inform")
    if not _is_handler(actor, assignment):
        raise PermissionDenied("Chỉ người nhận (hoặc lãnh đạo đơn vị nhận) được đánh dấu đã đọc.")
    with transaction.atomic():
        locked = _lock(assignment)
        if locked.status == A.DONE:
            return _copy_back(assignment, locked)
        locked.completed_at = timezone.now()
        _move(locked, "read", actor=actor, extra_fields=["completed_at"])
    return _copy_back(assignment, locked)


# ---------------------------------------------------------------------------------------------------------------
# Reply seam (phúc đáp): the outgoing capability creates the draft and links it back
# ---------------------------------------------------------------------------------------------------------------

def request_reply(actor, document: IncomingDocument, subject: str = "") -> ReplyRecord:
    """Ask for a reply (văn bản trả lời) to a document that needs one. Anyone who can see the document."""
    if not visible(IncomingDocument, actor).filter(pk=document.pk).exists():
        raise PermissionDenied("Bạn không có quyền với văn bản này.")
    if not document.needs_reply:
        raise ValidationError("Văn bản này không có yêu cầu phúc đáp.", code="no_reply")
    subject = (subject or "").strip() or f"V/v trả lời văn bản số {document.number_symbol or document.subject[:80]}"
    with transaction.atomic():
        record = ReplyRecord.objects.create(document=document, created_by=actor, subject=subject[:500])
        journal.record("incoming.reply_request", actor=actor, obj=document,
                       details={"reply": record.pk, "subject": record.subject, "reply_due": document.reply_due})
        reply_requested.send(sender=ReplyRecord, record=record, actor=actor)
    return record


def link_reply(actor, record: ReplyRecord, outgoing_reference: str) -> ReplyRecord:
    """Called by the outgoing capability once the reply has a number (or draft reference)."""
    outgoing_reference = (outgoing_reference or "").strip()
    if not outgoing_reference:
        raise ValidationError({"outgoing_reference": "Thiếu số, ký hiệu văn bản trả lời."})
    with transaction.atomic():
        record = ReplyRecord.objects.select_for_update().select_related("document").get(pk=record.pk)
        record.outgoing_reference = outgoing_reference[:100]
        record.status = ReplyStatus.LINKED
        record.save(update_fields=["outgoing_reference", "status"])
        journal.record("incoming.reply_link", actor=actor, obj=record.document,
                       details={"reply": record.pk, "outgoing_reference": record.outgoing_reference})
    return record


def link_draft_reply(actor, document: IncomingDocument, outgoing) -> ReplyRecord:
    """A draft reply was started from this document: take the open reply request, or record a new one."""
    record = (ReplyRecord.objects.select_for_update()
              .filter(document=document, status=ReplyStatus.DRAFT_REQUESTED, outgoing__isnull=True).first())
    if record is None:
        record = ReplyRecord.objects.create(document=document, created_by=actor, subject=outgoing.subject[:500])
    record.outgoing = outgoing
    record.outgoing_reference = "Dự thảo"
    record.save(update_fields=["outgoing", "outgoing_reference"])
    journal.record("incoming.reply_draft", actor=actor, obj=document,
                   details={"reply": record.pk, "outgoing": outgoing.pk, "subject": outgoing.subject})
    return record


def link_issued_reply(actor, document: IncomingDocument, outgoing) -> None:
    """The reply was issued: its number and symbol go on the incoming document's reply records."""
    for record in ReplyRecord.objects.filter(document=document, outgoing=outgoing):
        link_reply(actor, record, outgoing.number_symbol)


def withdraw(actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """The sender recalled the document and this agency's clerk confirmed: it leaves every inbox (each open
    assignment is closed by its own journaled transition)."""
    with transaction.atomic():
        locked = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        locked.withdrawn_at = timezone.now()
        DOCUMENT.apply(locked, "withdraw", actor=actor, extra_fields=["withdrawn_at", "updated_at"],
                       details={"reason": reason})
        for assignment in (locked.assignments.select_for_update(of=("self",)).filter(status__in=OPEN)
                           .select_related("unit", "user").order_by("id")):
            assignment.document = locked
            assignment.reason = reason[:1000]
            _move(assignment, "withdraw", actor=actor, extra_fields=["reason"], details={"reason": reason})
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Follow-up (theo dõi, đôn đốc)
# ---------------------------------------------------------------------------------------------------------------

BOXES = ("to_process", "in_progress", "for_information", "done", "late")


def inbox(user, box: str) -> QuerySet:
    """The person's own assignments in one box, newest first (keyset on -id)."""
    qs = Assignment.objects.filter(user=user).select_related("document", "parent", "assigned_by")
    work = (AssignmentRole.LEAD, AssignmentRole.COOPERATE)
    if box == "to_process":
        qs = qs.filter(status=A.PENDING, role__in=work)
    elif box == "in_progress":
        qs = qs.filter(status=A.IN_PROGRESS, role__in=work)
    elif box == "for_information":
        qs = qs.filter(status__in=OPEN, role=AssignmentRole.INFORM)
    elif box == "done":
        qs = qs.filter(status=A.DONE)
    elif box == "late":
        qs = qs.filter(status__in=OPEN, deadline__lt=timezone.localdate())
    else:
        raise ValidationError(f"Hộp văn bản không hợp lệ: {box}.", code="box")
    return qs.order_by("-id")


def unit_queue(user) -> QuerySet:
    """Open assignments to the units the user leads, newest first."""
    led = scope_of(user).led_unit_ids
    if not led:
        return Assignment.objects.none()
    return (Assignment.objects.filter(unit_id__in=list(led), status__in=OPEN)
            .select_related("document", "unit").order_by("-id"))


def due_state(obj, today: date | None = None) -> str:
    """:func:`vpdt.core.deadlines.due_state` of a document (its deadline, else the one it came with; done once
    completed) or of an assignment (done once no longer open)."""
    if isinstance(obj, IncomingDocument):
        return deadlines.due_state(obj.deadline or obj.due_date, done=obj.status == S.COMPLETED, today=today)
    return deadlines.due_state(obj.deadline, done=obj.status not in OPEN, today=today)


def late_units(agency, today: date | None = None) -> list[dict]:
    """Units with open, overdue assignments (directed by the leader) in the agency, most late first."""
    today = today or timezone.localdate()
    agency_id = getattr(agency, "pk", agency)
    rows = (Assignment.objects.filter(document__agency_id=agency_id, unit__isnull=False, parent__isnull=True,
                                      status__in=OPEN, deadline__lt=today)
            .values("unit_id").annotate(late_count=Count("id"), oldest_deadline=Min("deadline")))
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows])
    result = [{"unit": units[r["unit_id"]], "late_count": r["late_count"], "oldest_deadline": r["oldest_deadline"]}
              for r in rows]
    result.sort(key=lambda r: (-r["late_count"], r["oldest_deadline"], r["unit"].name))
    return result


def send_reminders(today: date | None = None) -> int:
    """E-mail and notify the handlers of late and nearly due work, at most once per assignment per day.

    Returns the number of reminders sent (one per recipient per assignment).
    """
    today = today or deadlines.local_today()
    horizon = deadlines.due_soon_horizon(today)
    due = (Assignment.objects.filter(status__in=OPEN, deadline__isnull=False, deadline__lte=horizon,
                                     document__status__in=(S.DIRECTED, S.IN_PROGRESS))
           .exclude(last_reminded_on=today).select_related("document", "unit", "user").order_by("id"))
    sent = 0
    for assignment in due.iterator():
        recipients = _recipients(assignment)
        if not recipients:
            continue
        with transaction.atomic():
            # Claim today's reminder first, so a second run (or a concurrent worker) does not send it again.
            claimed = (Assignment.objects.filter(pk=assignment.pk).exclude(last_reminded_on=today)
                       .update(last_reminded_on=today))
            if not claimed:
                continue
            doc = assignment.document
            late = assignment.deadline < today
            state = "đã quá hạn" if late else "sắp đến hạn"
            number = f"số đến {doc.arrival_number}/{doc.year}"
            if doc.number_symbol:
                number += f", số {doc.number_symbol}"
            subject = f"[Văn phòng điện tử] Văn bản đến {state} xử lý: {number}"
            url = document_url(doc)
            body = (f"Văn bản đến {number} của {doc.issuer_name}\n"
                    f"Trích yếu: {doc.subject}\n"
                    f"Vai trò: {assignment.get_role_display()}"
                    f"{' (giao cho ' + assignment.unit.name + ')' if assignment.unit_id else ''}\n"
                    f"Hạn xử lý: {assignment.deadline:%d/%m/%Y} – {state}.\n\n"
                    f"Đề nghị đồng chí khẩn trương xử lý và cập nhật tiến độ trên hệ thống: {url}\n\n"
                    "Thư này được gửi tự động, xin không trả lời.")
            _notify(recipients, f"Văn bản đến {number} {state} xử lý (hạn {assignment.deadline:%d/%m/%Y}): "
                                f"{doc.subject}", url)
            journal.record("incoming.assignment.remind", actor=None, obj=doc,
                           details={"assignment": assignment.pk, "to": _assignee(assignment),
                                    "deadline": assignment.deadline, "state": "late" if late else "due_soon",
                                    "recipients": [_name(u) for u in recipients]})
        for user in recipients:
            if user.email:
                try:
                    send_mail(subject, f"Kính gửi {_name(user)},\n\n{body}", None, [user.email])
                except Exception:  # a mail outage must not stop the other reminders
                    log.exception("Không gửi được thư nhắc hạn cho %s", user.username)
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------------------------
# Processing trail (vết xử lý), the future TraceHeaderList of the exchange
# ---------------------------------------------------------------------------------------------------------------

TRAIL_LABELS = {
    "incoming.register": "Vào sổ văn bản đến",
    "incoming.submit": "Trình lãnh đạo",
    "incoming.direct": "Cho ý kiến chỉ đạo",
    "incoming.start": "Bắt đầu xử lý",
    "incoming.complete": "Hoàn thành xử lý văn bản",
    "incoming.reopen": "Trả lại lãnh đạo cơ quan",
    "incoming.assignment.distribute": "Giao cán bộ xử lý",
    "incoming.assignment.start": "Nhận xử lý",
    "incoming.assignment.note": "Ghi ý kiến",
    "incoming.assignment.complete": "Hoàn thành phần việc",
    "incoming.assignment.read": "Đã đọc (để biết)",
    "incoming.assignment.return": "Trả lại",
    "incoming.assignment.reassign": "Chuyển người khác xử lý",
    "incoming.assignment.withdraw": "Thu hồi phân công (nơi gửi thu hồi văn bản)",
    "incoming.assignment.remind": "Nhắc hạn xử lý",
    "incoming.reply_request": "Yêu cầu soạn văn bản trả lời",
    "incoming.reply_link": "Gắn văn bản trả lời",
    "incoming.reply_draft": "Soạn dự thảo văn bản trả lời",
    "incoming.withdraw": "Thu hồi theo yêu cầu nơi gửi",
    "incoming.filed": "Đưa vào hồ sơ công việc",
    "signing.receipt.flag": "Cảnh báo chữ ký số không hợp lệ",
}
# Journaled on the document but not processing steps (printing the slip): kept out of the trail.
NOT_IN_TRAIL = ("incoming.slip_printed",)
NOTE_LABELS = {NoteKind.PROGRESS: "Báo cáo tiến độ", NoteKind.PROPOSAL: "Ý kiến đề xuất"}


def trail(document: IncomingDocument) -> list[dict]:
    """Every journaled event of the document and its assignments, in journal order.

    Each item: seq, when, who, on_behalf_of, action (code), label (Vietnamese), details (as journaled), and the
    handy keys assignment, to, deadline, direction, text.
    """
    from vpdt.journal.models import JournalEntry

    rows = JournalEntry.objects.filter(object_type=IncomingDocument._meta.label_lower,
                                       object_id=str(document.pk)).exclude(action__in=NOT_IN_TRAIL).order_by("seq")
    items = []
    for entry in rows:
        details = entry.details or {}
        label = TRAIL_LABELS.get(entry.action, entry.action)
        if entry.action == "incoming.assignment.note":
            label = NOTE_LABELS.get(details.get("kind"), label)
        to = details.get("to") or ""
        if entry.action == "incoming.direct":
            to = "; ".join(f"{AssignmentRole(t['role']).label}: {t.get('to') or t.get('unit') or t.get('user')}"
                           for t in details.get("targets", []) if t.get("role") in AssignmentRole.values)
        elif entry.action == "incoming.submit":
            to = details.get("leader", "")
        items.append({
            "seq": entry.seq,
            "when": entry.created_at,
            "who": entry.actor_repr or "Hệ thống",
            "on_behalf_of": entry.on_behalf_of_repr,
            "action": entry.action,
            "label": label,
            "assignment": details.get("assignment"),
            "to": to,
            "deadline": details.get("deadline"),
            "direction": details.get("direction", ""),
            "text": details.get("text") or details.get("result") or details.get("reason") or details.get("opinion")
            or "",
            "details": details,
        })
    return items
