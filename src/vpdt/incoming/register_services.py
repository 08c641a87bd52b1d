"""Managing an agency's incoming registers (sổ văn bản đến), SPEC §2, §8.

An agency may keep several registers; exactly one is its default. A register that is no longer used is
deactivated, never deleted: it keeps its documents and stays in lists and exports, but is not offered for new
registrations. Every change runs in one transaction and is journaled.

Who may change: :func:`vpdt.core.authz.manageable` on :class:`Register` (the agency's clerks, its administrators).
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from vpdt.core.authz import manageable, scope_of
from vpdt.directory.models import Agency, Role
from vpdt.journal import services as journal

from .models import Register

CODE_MAX = 20
NAME_MAX = 200
# Letters (Vietnamese included, e.g. "VBĐ"), digits, hyphen and underscore.
CODE_RE = re.compile(r"[\w-]+")
EDITABLE = ("name", "code")
DENIED = "Bạn không có quyền quản lý sổ văn bản đến của cơ quan này."


def manageable_agencies(actor):
    """Agencies whose registers ``actor`` may create: their own agency as clerk, the agencies they administer."""
    scope = scope_of(actor)
    if scope.is_superuser:
        return Agency.objects.all()
    q = scope.administered("")
    if scope.agency_id and scope.has_role(Role.CLERK):
        q |= Q(pk=scope.agency_id)
    return Agency.objects.filter(q)


def can_manage(actor, register: Register) -> bool:
    return manageable(Register, actor).filter(pk=register.pk).exists()


def _require(actor, register: Register) -> None:
    if not can_manage(actor, register):
        raise PermissionDenied(DENIED)


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": ["Tên sổ là bắt buộc."]})
    if any(ord(c) < 32 for c in name):
        raise ValidationError({"name": ["Tên sổ có ký tự điều khiển không hợp lệ."]})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [f"Tên sổ dài tối đa {NAME_MAX} ký tự."]})
    return name


def _clean_code(code, agency_id: int, exclude_pk: int | None = None) -> str:
    code = str(code or "").strip()
    if not code:
        raise ValidationError({"code": ["Mã sổ là bắt buộc."]})
    if len(code) > CODE_MAX:
        raise ValidationError({"code": [f"Mã sổ dài tối đa {CODE_MAX} ký tự."]})
    if not CODE_RE.fullmatch(code):
        raise ValidationError(
            {"code": ["Mã sổ chỉ gồm chữ cái, chữ số, dấu gạch ngang (-) và gạch dưới (_), không có khoảng trắng."]}
        )
    # Case-insensitive in Python: the database's iexact does not fold Vietnamese letters everywhere (SQLite).
    others = Register.objects.filter(agency_id=agency_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if code.casefold() in {c.casefold() for c in others.values_list("code", flat=True)}:
        raise ValidationError({"code": [f"Mã sổ “{code}” đã được dùng cho một sổ khác của cơ quan."]})
    return code


def _duplicate(code: str) -> ValidationError:
    return ValidationError({"code": [f"Mã sổ “{code}” đã được dùng cho một sổ khác của cơ quan."]})


def _snapshot(register: Register) -> dict:
    return {
        "name": register.name,
        "code": register.code,
        "is_default": register.is_default,
        "is_active": register.is_active,
    }


def _lock_agency_registers(agency_id: int) -> list[Register]:
    """Lock every register of the agency (in id order, so concurrent callers cannot deadlock)."""
    return list(Register.objects.select_for_update().filter(agency_id=agency_id).order_by("id"))


def _make_default(register: Register) -> list[int]:
    """Clear the other defaults of the agency (rows already locked). Returns the ids that lost the flag."""
    others = list(
        Register.objects.filter(agency_id=register.agency_id, is_default=True)
        .exclude(pk=register.pk)
        .values_list("pk", flat=True)
    )
    if others:
        Register.objects.filter(pk__in=others).update(is_default=False)
    register.is_default = True
    return others


def create_register(actor, agency, name, code, is_default: bool = False) -> Register:
    """A new active register of ``agency``. The agency's first register (or the first while none is default)
    becomes the default."""
    agency_id = agency if isinstance(agency, int) else getattr(agency, "pk", None)
    if agency_id is None:
        raise ValidationError({"agency": ["Chưa chọn cơ quan."]})
    if not manageable_agencies(actor).filter(pk=agency_id).exists():
        raise PermissionDenied(DENIED)
    name = _clean_name(name)
    with transaction.atomic():
        locked = _lock_agency_registers(agency_id)
        code = _clean_code(code, agency_id)
        make_default = bool(is_default) or not any(r.is_default for r in locked)
        register = Register(agency_id=agency_id, name=name, code=code, is_default=False, is_active=True)
        try:
            with transaction.atomic():
                register.save()
        except IntegrityError:
            raise _duplicate(code) from None
        cleared = []
        if make_default:
            cleared = _make_default(register)
            register.save(update_fields=["is_default"])
        journal.record(
            "incoming.register_created",
            actor=actor,
            obj=register,
            agency=agency_id,
            details={**_snapshot(register), "previous_default": cleared},
        )
    return register


def update_register(actor, register: Register, **changes) -> Register:
    """Change name and/or code; ``is_default=True`` and ``is_active`` go through the rules of
    :func:`set_default`, :func:`deactivate` and :func:`activate`."""
    unknown = set(changes) - {*EDITABLE, "is_default", "is_active"}
    if unknown:
        raise ValidationError({"detail": [f"Không thể sửa trường: {', '.join(sorted(unknown))}."]})
    _require(actor, register)
    with transaction.atomic():
        _lock_agency_registers(register.agency_id)
        register.refresh_from_db()
        before = _snapshot(register)
        fields = []
        if "name" in changes:
            name = _clean_name(changes["name"])
            if name != register.name:
                register.name = name
                fields.append("name")
        if "code" in changes:
            code = str(changes["code"] or "").strip()
            if code != register.code:
                register.code = _clean_code(code, register.agency_id, exclude_pk=register.pk)
                fields.append("code")
        if "is_default" in changes:
            wanted = bool(changes["is_default"])
            if wanted and not register.is_default:
                _check_can_be_default(register, changes.get("is_active", register.is_active))
            elif not wanted and register.is_default:
                raise ValidationError(
                    {
                        "is_default": [
                            "Mỗi cơ quan phải có một sổ mặc định: hãy chọn sổ khác làm mặc định thay cho sổ này."
                        ]
                    }
                )
        if "is_active" in changes:
            active = bool(changes["is_active"])
            if not active and (register.is_default or changes.get("is_default")):
                raise ValidationError(
                    {"is_active": ["Không thể ngừng sử dụng sổ mặc định. Hãy chọn sổ khác làm mặc định trước."]}
                )
            if active != register.is_active:
                register.is_active = active
                fields.append("is_active")
        cleared = []
        if changes.get("is_default") and not register.is_default:
            cleared = _make_default(register)
            fields.append("is_default")
        if not fields:
            return register
        try:
            with transaction.atomic():
                register.save(update_fields=fields)
        except IntegrityError:
            raise _duplicate(register.code) from None
        after = _snapshot(register)
        journal.record(
            "incoming.register_updated",
            actor=actor,
            obj=register,
            agency=register.agency_id,
            details={
                "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
                "previous_default": cleared,
            },
        )
    return register


def _check_can_be_default(register: Register, active: bool) -> None:
    if not active:
        raise ValidationError({"is_default": ["Sổ đã ngừng sử dụng không thể làm sổ mặc định. Hãy dùng lại sổ trước."]})


def set_default(actor, register: Register) -> Register:
    """Make ``register`` the agency's default; the previous default loses the flag in the same transaction."""
    _require(actor, register)
    with transaction.atomic():
        _lock_agency_registers(register.agency_id)
        register.refresh_from_db()
        _check_can_be_default(register, register.is_active)
        if (
            register.is_default
            and not Register.objects.filter(agency_id=register.agency_id, is_default=True)
            .exclude(pk=register.pk)
            .exists()
        ):
            return register
        cleared = _make_default(register)
        register.save(update_fields=["is_default"])
        journal.record(
            "incoming.register_default_set",
            actor=actor,
            obj=register,
            agency=register.agency_id,
            details={"previous_default": cleared},
        )
    return register


def deactivate(actor, register: Register) -> Register:
    """Stop offering ``register`` for new registrations. The default register cannot be deactivated."""
    _require(actor, register)
    with transaction.atomic():
        _lock_agency_registers(register.agency_id)
        register.refresh_from_db()
        if register.is_default:
            raise ValidationError(
                {"is_active": ["Không thể ngừng sử dụng sổ mặc định. Hãy chọn sổ khác làm mặc định trước."]}
            )
        if not register.is_active:
            return register
        register.is_active = False
        register.save(update_fields=["is_active"])
        journal.record(
            "incoming.register_deactivated",
            actor=actor,
            obj=register,
            agency=register.agency_id,
            details={"code": register.code},
        )
    return register


def activate(actor, register: Register) -> Register:
    """Offer ``register`` again for new registrations."""
    _require(actor, register)
    with transaction.atomic():
        _lock_agency_registers(register.agency_id)
        register.refresh_from_db()
        if register.is_active:
            return register
        register.is_active = True
        register.save(update_fields=["is_active"])
        journal.record(
            "incoming.register_activated",
            actor=actor,
            obj=register,
            agency=register.agency_id,
            details={"code": register.code},
        )
    return register
