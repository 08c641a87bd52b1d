"""The leader's direction (bút phê, SPEC §2.3): one lead handler, cooperating and for-information ones.

The change goes through :func:`direct`, inside one transaction, and is journaled. Who may direct is decided by the
``allow`` rules of :mod:`vpdt.incoming.lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.delegation import services as delegation
from vpdt.directory import members
from vpdt.directory.models import Unit

from ..lifecycle import DOCUMENT, OPEN
from ..models import Assignment, AssignmentRole, AssignmentStatus, IncomingDocument
from .notices import display_name, notify_assigned


@dataclass
class Target:
    role: str
    unit: Unit | None = None
    user: User | None = None
    deadline: date | None = None


def _document_principal(actor, document: IncomingDocument, *args, **kwargs) -> int | None:
    """A leader acting for the leader the document was submitted to."""
    return document.leader_id


TARGET_MESSAGE = "Chỉ giao cho đơn vị đang hoạt động, cán bộ đang công tác trong cơ quan (tài khoản đang hoạt động)."


def _check_targets(document: IncomingDocument, targets: list[Target]) -> Target:
    """The targets name active units and members of the agency, each once, with exactly one lead: that lead."""
    leads = [t for t in targets if t.role == AssignmentRole.LEAD]
    if len(leads) != 1:
        raise ValidationError(
            {
                "targets": "Phải giao đúng một đơn vị hoặc cá nhân xử lý chính (không giao “đồng xử lý”)."
                if leads
                else "Chưa giao đơn vị hoặc cá nhân xử lý chính."
            },
            code="lead",
        )
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
    return leads[0]


@delegation.acting("incoming", _document_principal)
def direct(
    actor,
    document: IncomingDocument,
    *,
    direction: str,
    targets: list[Target],
    deadline: date | None = None,
    field=None,
) -> IncomingDocument:
    """Bút phê: the leader's direction with exactly one lead handler, cooperating and for-information ones."""
    DOCUMENT.authorize(document, "direct", actor)
    if not (direction or "").strip():
        raise ValidationError({"direction": "Ý kiến chỉ đạo là bắt buộc."})
    lead = _check_targets(document, targets)
    if deadline and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Thời hạn giải quyết không được ở quá khứ."})
    if field is not None and field.agency_id != document.agency_id:
        raise ValidationError({"field": "Lĩnh vực phải thuộc danh mục lĩnh vực của cơ quan."})
    with transaction.atomic():
        document.direction = direction.strip()
        document.directed_by = actor
        document.directed_at = timezone.now()
        document.deadline = deadline or lead.deadline
        document.field = field or document.field
        DOCUMENT.check(document, "direct", actor=actor, authorized=True)
        # Re-direction after a return: what is still open from the earlier direction is closed, so the new
        # direction has exactly one active lead. Returned and finished assignments stay as history.
        superseded = list(
            Assignment.objects.select_for_update()
            .filter(document=document, status__in=OPEN)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        if superseded:
            Assignment.objects.filter(pk__in=superseded).update(
                status=AssignmentStatus.REASSIGNED, reason="Lãnh đạo cho ý kiến chỉ đạo lại."
            )
        DOCUMENT.apply(
            document,
            "direct",
            actor=actor,
            authorized=True,
            extra_fields=["direction", "directed_by", "directed_at", "deadline", "field", "updated_at"],
            details={
                "direction": document.direction,
                "deadline": document.deadline,
                **({"superseded": superseded} if superseded else {}),
                "targets": [
                    {
                        "role": t.role,
                        "unit": t.unit.short_name if t.unit else None,
                        "user": t.user.username if t.user else None,
                        "to": display_name(t.unit or t.user),
                        "deadline": t.deadline,
                    }
                    for t in targets
                ],
            },
        )
        created = Assignment.objects.bulk_create(
            [
                Assignment(
                    document=document,
                    role=t.role,
                    unit=t.unit,
                    user=t.user,
                    assigned_by=actor,
                    deadline=t.deadline or (document.deadline if t.role != AssignmentRole.INFORM else None),
                )
                for t in targets
            ]
        )
        for assignment in created:
            notify_assigned(assignment)
    return document
