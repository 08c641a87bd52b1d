"""Review chains (quy trình duyệt) management: an agency's administrators or clerks configure them.

One active chain per (agency, document type); a chain without a document type applies to every other type.
Changing a chain does not touch documents already submitted (their steps are copied at submission).
Every change is journaled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.directory import members
from vpdt.directory.models import Agency, Role
from vpdt.journal import services as journal

from .models import ChainStep, ReviewChain, StepKind

DENIED = "Chỉ quản trị hoặc văn thư của cơ quan được cấu hình quy trình duyệt."
CLASH = "Cơ quan đã có quy trình duyệt đang dùng cho loại văn bản này; ngừng quy trình cũ trước."
MAX_STEPS = 20
_UNSET = object()


@dataclass
class StepSpec:
    label: str
    kind: str
    user: User | None = None
    days: int = 3


def can_manage(user, agency_id: int | None) -> bool:
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if agency_id is None:
        return False
    return agency_id in scope.admin_agency_ids or (scope.has_role(Role.CLERK) and scope.agency_id == agency_id)


def _require(user, agency_id) -> None:
    if not can_manage(user, agency_id):
        raise PermissionDenied(DENIED)


def _check_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Tên quy trình là bắt buộc."})
    if len(name) > 200:
        raise ValidationError({"name": "Tên quy trình tối đa 200 ký tự."})
    return name


def _check_steps(agency_id: int, steps) -> list[StepSpec]:
    steps = list(steps or [])
    if not steps:
        raise ValidationError({"steps": "Quy trình phải có ít nhất một bước."})
    if len(steps) > MAX_STEPS:
        raise ValidationError({"steps": f"Quy trình tối đa {MAX_STEPS} bước."})
    errors = []
    for n, step in enumerate(steps, start=1):
        step.label = (step.label or "").strip()
        if not step.label:
            errors.append(f"Bước {n}: tên bước là bắt buộc.")
        elif len(step.label) > 200:
            errors.append(f"Bước {n}: tên bước tối đa 200 ký tự.")
        if step.kind not in StepKind.values:
            errors.append(f"Bước {n}: người xử lý không hợp lệ (unit_leader, user hoặc signer).")
        elif step.kind == StepKind.USER:
            if step.user is None:
                errors.append(f"Bước {n}: chọn người được chỉ định.")
            elif not members.is_member(step.user, agency_id):
                errors.append(f"Bước {n}: người được chỉ định phải là cán bộ đang làm việc của cơ quan.")
        elif step.user is not None:
            step.user = None  # only "user" steps name a person
        if step.days is None or not (1 <= int(step.days) <= 60):
            errors.append(f"Bước {n}: số ngày làm việc từ 1 đến 60.")
    if errors:
        raise ValidationError({"steps": errors})
    return steps


def _check_doc_type(doc_type):
    if doc_type is not None and not doc_type.is_active:
        raise ValidationError({"doc_type": "Loại văn bản đã ngừng sử dụng."})
    return doc_type


def _check_clash(agency_id: int, doc_type, exclude_pk=None) -> None:
    # Serialise on the agency row: the partial unique constraint does not cover an empty doc_type.
    Agency.objects.select_for_update().filter(pk=agency_id).first()
    qs = ReviewChain.objects.filter(agency_id=agency_id, is_active=True, doc_type=doc_type)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"doc_type": CLASH})


def _write_steps(chain: ReviewChain, steps: list[StepSpec]) -> None:
    chain.steps.all().delete()
    ChainStep.objects.bulk_create(
        [
            ChainStep(chain=chain, order=n, label=s.label, kind=s.kind, user=s.user, days=int(s.days))
            for n, s in enumerate(steps, start=1)
        ]
    )


def _steps_details(steps: list[StepSpec]) -> list[dict]:
    return [{"label": s.label, "kind": s.kind, "user": s.user.pk if s.user else None, "days": s.days} for s in steps]


def _save(chain: ReviewChain) -> None:
    try:
        with transaction.atomic():
            chain.save()
    except IntegrityError as exc:
        raise ValidationError({"doc_type": CLASH}) from exc


def create_chain(actor, agency: Agency, *, name: str, steps, doc_type=None) -> ReviewChain:
    _require(actor, agency.pk)
    name = _check_name(name)
    doc_type = _check_doc_type(doc_type)
    steps = _check_steps(agency.pk, steps)
    with transaction.atomic():
        _check_clash(agency.pk, doc_type)
        chain = ReviewChain(agency=agency, doc_type=doc_type, name=name, is_active=True)
        _save(chain)
        _write_steps(chain, steps)
        journal.record(
            "outgoing.chain.create",
            actor=actor,
            obj=chain,
            agency=agency,
            details={"name": name, "doc_type": doc_type.pk if doc_type else None, "steps": _steps_details(steps)},
        )
    return chain


def update_chain(actor, chain: ReviewChain, *, name=None, doc_type=_UNSET, steps=None) -> ReviewChain:
    _require(actor, chain.agency_id)
    changes = {}
    with transaction.atomic():
        locked = ReviewChain.objects.select_for_update().get(pk=chain.pk)
        if name is not None:
            name = _check_name(name)
            if name != locked.name:
                changes["name"] = {"from": locked.name, "to": name}
                locked.name = name
        if doc_type is not _UNSET:
            doc_type = _check_doc_type(doc_type)
            if doc_type != locked.doc_type:
                if locked.is_active:
                    _check_clash(locked.agency_id, doc_type, exclude_pk=locked.pk)
                changes["doc_type"] = {"from": locked.doc_type_id, "to": doc_type.pk if doc_type else None}
                locked.doc_type = doc_type
        if steps is not None:
            steps = _check_steps(locked.agency_id, steps)
            _write_steps(locked, steps)
            changes["steps"] = _steps_details(steps)
        if changes:
            _save(locked)
            journal.record("outgoing.chain.update", actor=actor, obj=locked, agency=locked.agency, details=changes)
    return locked


def set_active(actor, chain: ReviewChain, active: bool) -> ReviewChain:
    _require(actor, chain.agency_id)
    with transaction.atomic():
        locked = ReviewChain.objects.select_for_update().get(pk=chain.pk)
        if locked.is_active == active:
            return locked
        if active:
            _check_clash(locked.agency_id, locked.doc_type, exclude_pk=locked.pk)
        locked.is_active = active
        _save(locked)
        journal.record(
            "outgoing.chain.activate" if active else "outgoing.chain.deactivate",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"name": locked.name},
        )
    return locked
