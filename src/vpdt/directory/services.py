"""Directory business rules: the agency tree, units, positions, and users' authorization scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vpdt.core.authz import Scope, manageable, scope_of
from vpdt.journal import services as journal

from .models import Agency, Level, Position, Role, Unit

STEPLEN = Agency.steplen

AGENCY_FIELDS = (
    "name",
    "short_name",
    "code",
    "level",
    "address",
    "phone",
    "fax",
    "email",
    "website",
    "exchange_only_with_parent",
    "is_active",
)
UNIT_FIELDS = ("name", "short_name", "parent", "email", "phone", "is_active")
# Structure belongs to the province; an agency administrator keeps only the contacts up to date.
STRUCTURAL_FIELDS = ("name", "short_name", "code", "level", "exchange_only_with_parent", "is_active")


def own_scope(user) -> Scope:
    """What the user's own positions give (the delegations they hold are added by :mod:`vpdt.delegation.scopes`)."""
    positions = list(
        Position.objects.filter(user=user, is_active=True).values_list("role", "unit_id", "agency_id", "agency__path")
    )
    roles = frozenset(p[0] for p in positions)
    unit_ids = frozenset(p[1] for p in positions if p[1])
    led = frozenset(p[1] for p in positions if p[1] and p[0] == Role.UNIT_LEADER)
    admin_agencies = frozenset(p[2] for p in positions if p[0] == Role.ADMIN)
    province_path = None
    for role, _unit, _agency, path in positions:
        if role == Role.PROVINCE_ADMIN:
            province_path = province_root_path(path)
    own = Scope(
        user_id=user.pk,
        agency_id=user.agency_id,
        roles=roles,
        unit_ids=unit_ids,
        led_unit_ids=led,
        admin_agency_ids=admin_agencies,
        position_agency_ids=frozenset(p[2] for p in positions),
        province_path=province_path,
        is_superuser=user.is_superuser,
    )
    return own


def province_root_path(path: str) -> str:
    """Path of the topmost province-level agency on the way from the root to ``path``."""
    prefixes = [path[:i] for i in range(STEPLEN, len(path) + 1, STEPLEN)]
    root = (
        Agency.objects.filter(path__in=prefixes, level=Level.PROVINCE)
        .order_by("depth")
        .values_list("path", flat=True)
        .first()
    )
    return root or path


def _check_level(parent: Agency | None, level: int) -> None:
    if parent is not None and level < parent.level:
        raise ValidationError({"level": "Cấp của cơ quan không được cao hơn cấp của cơ quan cấp trên."})


def _require_manage(actor, qs, obj, message):
    if actor is not None and not manageable(qs, actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


@transaction.atomic
def create_agency(actor, parent: Agency | None, **fields) -> Agency:
    level = fields.get("level")
    _check_level(parent, level)
    if actor is not None:
        scope = scope_of(actor)
        if parent is None and not scope.is_superuser:
            raise PermissionDenied("Chỉ quản trị toàn hệ thống mới được tạo cơ quan cấp cao nhất.")
        if parent is not None and not (scope.is_superuser or scope.province_path):
            raise PermissionDenied("Chỉ quản trị cấp tỉnh mới được thêm cơ quan.")
        if parent is not None:
            _require_manage(actor, Agency.objects.all(), parent, "Bạn không quản trị cơ quan cấp trên này.")
    candidate = Agency(**fields)
    candidate.full_clean(exclude=["path", "depth", "numchild"])
    if parent is not None:
        agency = Agency.objects.add_child(Agency.objects.get(pk=parent.pk), create_kwargs=fields)
    else:
        agency = Agency.objects.add_root(create_kwargs=fields)
    journal.record(
        "directory.agency.create",
        actor=actor,
        obj=agency,
        agency=agency,
        details={"parent": parent.pk if parent else None, "code": agency.code},
    )
    return agency


@transaction.atomic
def update_agency(actor, agency: Agency, **fields) -> Agency:
    _require_manage(actor, Agency.objects.all(), agency, "Bạn không quản trị cơ quan này.")
    parent = Agency.objects.get_parent(agency)
    if "level" in fields:
        _check_level(parent, fields["level"])
    changes = {name: [getattr(agency, name), value] for name, value in fields.items() if getattr(agency, name) != value}
    if actor is not None and set(changes) & set(STRUCTURAL_FIELDS):
        scope = scope_of(actor)
        if not (scope.is_superuser or (scope.province_path and agency.path.startswith(scope.province_path))):
            raise PermissionDenied(
                "Chỉ quản trị cấp tỉnh mới được sửa tên, mã định danh, cấp, chế độ liên thông "
                "và trạng thái của cơ quan."
            )
    for name, (_old, value) in changes.items():
        setattr(agency, name, value)
    agency.full_clean(exclude=["path", "depth", "numchild"])
    if changes:
        agency.save()
        journal.record("directory.agency.update", actor=actor, obj=agency, agency=agency, details=changes)
    return agency


@transaction.atomic
def create_unit(actor, agency: Agency, **fields) -> Unit:
    _require_manage(actor, Agency.objects.all(), agency, "Bạn không quản trị cơ quan này.")
    unit = Unit(agency=agency, **fields)
    if unit.parent_id and unit.parent.agency_id != agency.pk:
        raise ValidationError({"parent": "Đơn vị cấp trên phải thuộc cùng cơ quan."})
    unit.full_clean()
    unit.save()
    journal.record("directory.unit.create", actor=actor, obj=unit, details={"short_name": unit.short_name})
    return unit


@transaction.atomic
def update_unit(actor, unit: Unit, **fields) -> Unit:
    _require_manage(actor, Unit.objects.all(), unit, "Bạn không quản trị đơn vị này.")
    changes = {}
    for name, value in fields.items():
        old = getattr(unit, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(unit, name, value)
    if unit.parent_id and (unit.parent_id == unit.pk or unit.parent.agency_id != unit.agency_id):
        raise ValidationError({"parent": "Đơn vị cấp trên không hợp lệ."})
    unit.full_clean()
    if changes:
        unit.save()
        journal.record("directory.unit.update", actor=actor, obj=unit, details=changes)
    return unit


def may_grant(actor, role: str) -> bool:
    """Whether ``actor`` may give a position with ``role``: the province administrator's role only a province
    administrator (or the superuser) gives; the others every administrator of the agency."""
    if role != Role.PROVINCE_ADMIN or actor is None:
        return True
    scope = scope_of(actor)
    return bool(scope.is_superuser or scope.province_path)


def grantable_roles(actor) -> list[tuple[str, str]]:
    """The roles ``actor`` may give, as choices for a form."""
    return [(value, label) for value, label in Role.choices if may_grant(actor, value)]


@transaction.atomic
def assign_position(
    actor, user, *, agency: Agency, unit: Unit | None, title: str, role: str, is_primary: bool = True, started_on=None
) -> Position:
    _require_manage(actor, Agency.objects.all(), agency, "Bạn không quản trị cơ quan này.")
    if not may_grant(actor, role):
        raise PermissionDenied("Chỉ quản trị cấp tỉnh mới được giao vai trò quản trị cấp tỉnh.")
    title = (title or "").strip() or dict(Role.choices).get(role, "")  # the role's name when no title is given
    position = Position(
        user=user, agency=agency, unit=unit, title=title, role=role, is_primary=is_primary, started_on=started_on
    )
    position.full_clean()
    position.save()
    journal.record(
        "directory.position.assign",
        actor=actor,
        obj=position,
        agency=agency,
        details={"user": user.username, "role": role, "title": title, "unit": unit.short_name if unit else None},
    )
    return position


@transaction.atomic
def end_position(actor, position: Position, ended_on=None) -> Position:
    from django.utils import timezone

    _require_manage(actor, Position.objects.all(), position, "Bạn không quản trị chức vụ này.")
    if not position.is_active:
        return position
    position.is_active = False
    position.ended_on = ended_on or timezone.localdate()
    position.save(update_fields=["is_active", "ended_on"])
    journal.record(
        "directory.position.end",
        actor=actor,
        obj=position,
        agency=position.agency_id,
        details={"user": position.user.username, "role": position.role},
    )
    return position
