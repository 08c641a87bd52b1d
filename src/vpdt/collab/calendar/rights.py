"""Who keeps which calendar (quản lý lịch): approves, refuses and cancels its entries.

* The agency's calendar: the agency's leaders, and the people given the right to keep the agency's calendars
  (:class:`.models.CalendarGrant` of kind agency, typically the office, Văn phòng), who keep every calendar of
  the agency.
* A unit's calendar: the unit's heads, and the people given the right for that unit.
* A leader's calendar: the leader, and the people given the right for that leader (their secretary).

The right is given and withdrawn by the agency's administrator or one of its leaders. Rooms are managed by the
agency's administrator and by the keepers of the agency's calendars.
"""

from __future__ import annotations

from django.db.models import Exists, Q

from vpdt.core.authz import NOTHING, Scope
from vpdt.core.roles import Role
from vpdt.directory import members

from .models import CalendarGrant, CalendarKind

_CACHE = "calendar_grants"


def _in_force(scope: Scope):
    return CalendarGrant.objects.filter(grantee_id=scope.user_id, agency_id=scope.agency_id, revoked_at__isnull=True)


def grants(scope: Scope) -> frozenset[tuple]:
    """The person's grants in force in their agency, as (kind, unit id, leader id); read once per request."""
    if scope.user_id is None or scope.agency_id is None:
        return frozenset()
    if _CACHE not in scope.extra:
        rows = _in_force(scope).values_list("calendar_kind", "calendar_unit_id", "calendar_leader_id")
        scope.extra[_CACHE] = frozenset(rows)
    return scope.extra[_CACHE]


def keeps_all(scope: Scope) -> bool:
    """The office: keeps every calendar of the agency."""
    return scope.is_superuser or any(kind == CalendarKind.AGENCY for kind, _u, _l in grants(scope))


def keeps(scope: Scope, agency_id: int, kind: str, unit_id: int | None, leader_id: int | None) -> bool:
    if scope.is_superuser:
        return True
    if scope.user_id is None or scope.agency_id != agency_id:
        return False
    if keeps_all(scope):
        return True
    if kind == CalendarKind.AGENCY:
        return scope.has_role(Role.LEADER)
    if kind == CalendarKind.UNIT:
        return unit_id in scope.led_unit_ids or (kind, unit_id, None) in grants(scope)
    return leader_id == scope.user_id or (kind, None, leader_id) in grants(scope)


def kept(scope: Scope) -> Q:
    """SQL over entries: those of the calendars the person keeps."""
    if scope.is_superuser:
        return Q()
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    mine = _in_force(scope)
    q = Q(Exists(mine.filter(calendar_kind=CalendarKind.AGENCY)))
    q |= Q(
        calendar_kind=CalendarKind.UNIT,
        calendar_unit_id__in=mine.filter(calendar_kind=CalendarKind.UNIT).values("calendar_unit_id"),
    )
    q |= Q(
        calendar_kind=CalendarKind.LEADER,
        calendar_leader_id__in=mine.filter(calendar_kind=CalendarKind.LEADER).values("calendar_leader_id"),
    )
    q |= Q(calendar_kind=CalendarKind.LEADER, calendar_leader_id=scope.user_id)
    if scope.has_role(Role.LEADER):
        q |= Q(calendar_kind=CalendarKind.AGENCY)
    if scope.led_unit_ids:
        q |= Q(calendar_kind=CalendarKind.UNIT, calendar_unit_id__in=sorted(scope.led_unit_ids))
    return scope.own_agency() & q


def administers(scope: Scope) -> bool:
    return scope.agency_id is not None and (scope.is_superuser or scope.agency_id in scope.admin_agency_ids)


def may_grant(scope: Scope) -> bool:
    """The agency's administrator or leaders give and withdraw the right."""
    return scope.agency_id is not None and (administers(scope) or scope.has_role(Role.LEADER))


def may_manage_rooms(scope: Scope) -> bool:
    return scope.agency_id is not None and (administers(scope) or keeps_all(scope))


def keepers(calendar):
    """The people who keep ``calendar`` (a :class:`.calendars.Calendar`): told when an entry waits for them."""
    agency_id = calendar.agency.pk
    granted = CalendarGrant.objects.filter(agency_id=agency_id, revoked_at__isnull=True).filter(
        Q(calendar_kind=CalendarKind.AGENCY)
        | Q(calendar_kind=calendar.kind, calendar_unit_id=calendar.unit_id, calendar_leader_id=calendar.leader_id)
    )
    people = members.members(agency_id).filter(pk__in=granted.values("grantee_id"))
    if calendar.kind == CalendarKind.AGENCY:
        people = people | members.members(agency_id, roles=(Role.LEADER,))
    elif calendar.kind == CalendarKind.UNIT:
        people = people | members.members(agency_id, roles=(Role.UNIT_LEADER,), unit_id=calendar.unit_id)
    else:
        people = people | members.members(agency_id).filter(pk=calendar.leader_id)
    return people.distinct()
