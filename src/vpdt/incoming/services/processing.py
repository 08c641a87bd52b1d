"""The processing that follows the leader's direction (SPEC §2.4): distribution within a unit, return,
reassignment, notes, completion, reading, and the withdrawal of a recalled document.

Every change goes through these functions, inside one transaction, and is journaled. Who may act is decided by
the ``allow`` rules of :mod:`vpdt.incoming.lifecycle`: each function checks its step there (after locking what
the rule reads) before it looks at the input.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.delegation import services as delegation
from vpdt.directory import members
from vpdt.directory.models import Position, Role
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from ..lifecycle import ASSIGNMENT, DOCUMENT, OPEN
from ..models import Assignment, AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument, NoteKind, ProcessingNote
from .notices import assignee_name, display_name, notify_assigned

A = AssignmentStatus
S = DocStatus


def _move(
    assignment: Assignment, name: str, *, actor, details: dict | None = None, extra_fields=(), authorized: bool = False
) -> Assignment:
    """Apply an ASSIGNMENT transition, journaled on the document (so the trail reads from one place): ``to`` is
    the assignee (as in every trail entry), ``status`` the new state."""
    return ASSIGNMENT.apply(
        assignment,
        name,
        actor=actor,
        extra_fields=extra_fields,
        authorized=authorized,
        journal_obj=assignment.document,
        details={
            "assignment": assignment.pk,
            "role": assignment.role,
            "to": assignee_name(assignment),
            "status": ASSIGNMENT.get(name).target,
            **(details or {}),
        },
    )


def _lock(assignment: Assignment) -> Assignment:
    """Reload the assignment (and its document) under a row lock inside the current transaction."""
    document = IncomingDocument.objects.select_for_update().get(pk=assignment.document_id)  # document first
    fresh = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("unit", "user", "parent")
        .get(pk=assignment.pk)
    )
    fresh.document = document
    return fresh


def _copy_back(target: Assignment, source: Assignment) -> Assignment:
    for f in ("status", "result", "reason", "completed_at", "last_reminded_on"):
        setattr(target, f, getattr(source, f))
    target.document = source.document
    return target


def _assignment_principal(actor, assignment: Assignment, *args, **kwargs) -> int | None:
    """Whom the actor acts for on this assignment under a delegation (None: in their own right)."""
    if assignment.user_id:
        return assignment.user_id
    if assignment.unit_id is None or _leads_in_person(actor, assignment.unit_id):
        return None
    leaders = Position.objects.filter(
        unit_id=assignment.unit_id,
        role=Role.UNIT_LEADER,
        is_active=True,
        user_id__in=delegation.delegator_ids(actor, "incoming"),
    )
    return leaders.values_list("user_id", flat=True).first()


def _leads_in_person(actor, unit_id) -> bool:
    return Position.objects.filter(user=actor, unit_id=unit_id, role=Role.UNIT_LEADER, is_active=True).exists()


def _check_deadline(deadline: date | None) -> None:
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Hạn xử lý không được ở quá khứ."})


def _require_unit_member(user, agency_id: int, unit_id: int) -> None:
    """The staff member holds an active position in the unit, within the document's agency, and can log in."""
    members.require_member(
        user, agency_id, unit_id=unit_id, field="user", message="Chỉ giao cho cán bộ đang công tác tại đơn vị."
    )


def _start_document(document: IncomingDocument, actor) -> None:
    if document.status == S.DIRECTED:
        DOCUMENT.apply(document, "start", actor=actor, extra_fields=["updated_at"])


@delegation.acting("incoming", _assignment_principal)
def distribute(actor, assignment: Assignment, *, user, deadline: date | None = None, opinion: str = "") -> Assignment:
    """The unit leader passes a unit assignment to a staff member of the unit, with an opinion and deadline."""
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.check(locked, "distribute", actor=actor)
        _check_deadline(deadline)
        _require_unit_member(user, locked.document.agency_id, locked.unit_id)
        if locked.children.filter(user=user, status__in=OPEN).exists():
            raise ValidationError({"user": f"{display_name(user)} đã được giao xử lý văn bản này."}, code="already")
        child = Assignment.objects.create(
            document=locked.document,
            role=locked.role,
            user=user,
            parent=locked,
            assigned_by=actor,
            deadline=deadline or locked.deadline,
            opinion=(opinion or "").strip(),
        )
        journal.record(
            "incoming.assignment.distribute",
            actor=actor,
            obj=locked.document,
            details={
                "assignment": child.pk,
                "parent": locked.pk,
                "role": child.role,
                "unit": display_name(locked.unit),
                "to": display_name(user),
                "deadline": child.deadline,
                "opinion": child.opinion,
            },
        )
        if locked.status == A.PENDING:
            _move(locked, "start", actor=actor)
        notify_assigned(child)
    _copy_back(assignment, locked)
    return child


@delegation.acting("incoming", _assignment_principal)
def return_to_leader(actor, assignment: Assignment, reason: str) -> Assignment:
    """The unit leader (or a person the leader assigned directly) returns the work to the agency leader.

    Returning the lead sends the document back to “chờ lãnh đạo cho ý kiến” so the leader can direct again.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.check(locked, "return", actor=actor)
        if len(reason) < 5:
            raise ValidationError({"reason": "Lý do trả lại phải có ít nhất 5 ký tự."}, code="reason")
        document = locked.document
        for child in locked.children.select_for_update().filter(status__in=OPEN):
            child.document, child.parent = document, locked
            child.reason = "Đơn vị đã trả lại văn bản cho lãnh đạo cơ quan."
            _move(child, "reassign", actor=actor, extra_fields=["reason"], details={"reason": child.reason})
        locked.reason = reason
        _move(locked, "return", actor=actor, authorized=True, extra_fields=["reason"], details={"reason": reason})
        if locked.role == AssignmentRole.LEAD:
            DOCUMENT.apply(
                document,
                "reopen",
                actor=actor,
                extra_fields=["updated_at"],
                details={"reason": reason, "assignment": locked.pk, "by": assignee_name(locked)},
            )
        leader = document.directed_by or document.leader
        if leader is not None:
            notify(
                [leader],
                "incoming.returned",
                topic=topics.WORK,
                target=document,
                text=f"{assignee_name(locked)} trả lại văn bản đến số {document.arrival_number}/{document.year}: "
                f"{reason}",
            )
    return _copy_back(assignment, locked)


@delegation.acting("incoming", _assignment_principal)
def reassign(actor, assignment: Assignment, *, user, reason: str, deadline: date | None = None) -> Assignment:
    """The unit leader moves a staff member's assignment to another staff member of the unit."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.check(locked, "reassign", actor=actor)
        if not reason:
            raise ValidationError({"reason": "Phải nêu lý do chuyển người khác."}, code="reason")
        if user is not None and user.pk == locked.user_id:
            raise ValidationError({"user": "Cán bộ mới phải khác cán bộ đang được giao."}, code="same")
        _check_deadline(deadline)
        parent = locked.parent
        _require_unit_member(user, locked.document.agency_id, parent.unit_id)
        locked.reason = reason
        _move(
            locked,
            "reassign",
            actor=actor,
            authorized=True,
            extra_fields=["reason"],
            details={"reason": reason, "new_user": display_name(user)},
        )
        new = Assignment.objects.create(
            document=locked.document,
            role=locked.role,
            user=user,
            parent_id=locked.parent_id,
            assigned_by=actor,
            deadline=deadline or locked.deadline,
            opinion=locked.opinion,
        )
        journal.record(
            "incoming.assignment.distribute",
            actor=actor,
            obj=locked.document,
            details={
                "assignment": new.pk,
                "parent": locked.parent_id,
                "replaces": locked.pk,
                "role": new.role,
                "unit": display_name(parent.unit),
                "to": display_name(user),
                "deadline": new.deadline,
                "opinion": new.opinion,
                "reason": reason,
            },
        )
        notify_assigned(new)
    _copy_back(assignment, locked)
    return new


@delegation.acting("incoming", _assignment_principal)
def add_note(actor, assignment: Assignment, kind: str, text: str) -> ProcessingNote:
    """Record progress (tiến độ) or a proposal (ý kiến đề xuất)."""
    text = (text or "").strip()
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.check(locked, "note", actor=actor)
        if kind not in (NoteKind.PROGRESS, NoteKind.PROPOSAL):
            raise ValidationError({"kind": "Chỉ ghi được tiến độ hoặc ý kiến đề xuất."}, code="kind")
        if not text:
            raise ValidationError({"text": "Nội dung là bắt buộc."}, code="required")
        note = ProcessingNote.objects.create(assignment=locked, kind=kind, text=text, author=actor)
        journal.record(
            "incoming.assignment.note",
            actor=actor,
            obj=locked.document,
            details={"assignment": locked.pk, "to": assignee_name(locked), "kind": kind, "text": text},
        )
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
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.check(locked, "complete", actor=actor)
        if not result:
            raise ValidationError({"result": "Kết quả xử lý là bắt buộc."}, code="required")
        document = locked.document
        ProcessingNote.objects.create(assignment=locked, kind=NoteKind.RESULT, text=result, author=actor)
        locked.result = result
        locked.completed_at = timezone.now()
        _move(
            locked,
            "complete",
            actor=actor,
            authorized=True,
            extra_fields=["result", "completed_at"],
            details={"result": result},
        )
        if locked.parent_id is None and locked.role == AssignmentRole.LEAD:
            document.completed_at = locked.completed_at
            DOCUMENT.apply(
                document,
                "complete",
                actor=actor,
                extra_fields=["completed_at", "updated_at"],
                details={"assignment": locked.pk, "by": assignee_name(locked), "result": result},
            )
    return _copy_back(assignment, locked)


@delegation.acting("incoming", _assignment_principal)
def mark_read(actor, assignment: Assignment) -> Assignment:
    """A for-information (để biết) assignment is done once read. Idempotent: reading it again changes nothing."""
    with transaction.atomic():
        locked = _lock(assignment)
        ASSIGNMENT.authorize(locked, "read", actor)
        if locked.status == A.DONE and locked.role == AssignmentRole.INFORM:
            return _copy_back(assignment, locked)
        locked.completed_at = timezone.now()
        _move(locked, "read", actor=actor, authorized=True, extra_fields=["completed_at"])
    return _copy_back(assignment, locked)


def withdraw(actor, document: IncomingDocument, reason: str) -> IncomingDocument:
    """The sender recalled the document and this agency's clerk confirmed: it leaves every inbox (each open
    assignment is closed by its own journaled transition)."""
    with transaction.atomic():
        locked = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        DOCUMENT.check(locked, "withdraw", actor=actor)
        locked.withdrawn_at = timezone.now()
        DOCUMENT.apply(
            locked,
            "withdraw",
            actor=actor,
            authorized=True,
            extra_fields=["withdrawn_at", "updated_at"],
            details={"reason": reason},
        )
        for assignment in (
            locked.assignments.select_for_update(of=("self",))
            .filter(status__in=OPEN)
            .select_related("unit", "user")
            .order_by("id")
        ):
            assignment.document = locked
            assignment.reason = reason[:1000]
            _move(assignment, "withdraw", actor=actor, extra_fields=["reason"], details={"reason": reason})
    return locked
