"""Which calendars an agency has: its own (kept by the office), one per active unit and one per leader (a person
holding an agency-leader position). A calendar is named by its kind and its unit or leader, never stored: every
unit and leader has one from the day they exist. Its ``key`` is what addresses carry (``co-quan``,
``don-vi-<id>``, ``lanh-dao-<id>``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

from vpdt.core.roles import Role
from vpdt.directory import members
from vpdt.directory.models import Agency, Unit

from .models import CalendarKind, Entry, Participant

AGENCY_KEY = "co-quan"


@dataclass(frozen=True)
class Calendar:
    agency: Agency
    kind: str
    unit: Unit | None = None
    leader: object | None = None  # a user

    @property
    def key(self) -> str:
        if self.kind == CalendarKind.UNIT:
            return f"don-vi-{self.unit.pk}"
        if self.kind == CalendarKind.LEADER:
            return f"lanh-dao-{self.leader.pk}"
        return AGENCY_KEY

    @property
    def name(self) -> str:
        if self.kind == CalendarKind.UNIT:
            return gettext("Lịch công tác %(unit)s") % {"unit": self.unit.name}
        if self.kind == CalendarKind.LEADER:
            return gettext("Lịch công tác của đồng chí %(leader)s") % {"leader": self.leader.full_name}
        return gettext("Lịch công tác %(agency)s") % {"agency": self.agency.name}

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit is not None else None

    @property
    def leader_id(self) -> int | None:
        return self.leader.pk if self.leader is not None else None

    def fields(self) -> dict:
        """The entry fields naming this calendar."""
        return {
            "agency_id": self.agency.pk,
            "calendar_kind": self.kind,
            "calendar_unit_id": self.unit_id,
            "calendar_leader_id": self.leader_id,
        }

    def booked(self) -> Q:
        """SQL: the entries booked on this calendar."""
        q = Q(agency_id=self.agency.pk, calendar_kind=self.kind)
        if self.kind == CalendarKind.UNIT:
            q &= Q(calendar_unit_id=self.unit_id)
        elif self.kind == CalendarKind.LEADER:
            q &= Q(calendar_leader_id=self.leader_id)
        return q

    def shown(self) -> Q:
        """SQL: the entries its week and month show. The agency's calendar shows its own entries and its leaders'
        (the agency's weekly calendar is its leaders' work); a unit's, its own and those the unit takes part in; a
        leader's, their own and those they chair or take part in."""
        if self.kind == CalendarKind.AGENCY:
            return Q(agency_id=self.agency.pk, calendar_kind__in=[CalendarKind.AGENCY, CalendarKind.LEADER])
        if self.kind == CalendarKind.UNIT:
            taking_part = Participant.objects.filter(unit_id=self.unit_id).values("entry_id")
            return self.booked() | Q(agency_id=self.agency.pk, pk__in=taking_part)
        taking_part = Participant.objects.filter(user_id=self.leader_id).values("entry_id")
        return self.booked() | Q(agency_id=self.agency.pk) & (Q(chair_id=self.leader_id) | Q(pk__in=taking_part))


def agency_calendar(agency: Agency) -> Calendar:
    return Calendar(agency, CalendarKind.AGENCY)


def leaders(agency_id: int):
    return members.members(agency_id, roles=(Role.LEADER,)).order_by("full_name", "pk")


def units(agency_id: int):
    return Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name", "pk")


def every(agency: Agency) -> list[Calendar]:
    """The agency's calendars: its own, then its leaders', then its units'."""
    return (
        [agency_calendar(agency)]
        + [Calendar(agency, CalendarKind.LEADER, leader=u) for u in leaders(agency.pk)]
        + [Calendar(agency, CalendarKind.UNIT, unit=u) for u in units(agency.pk)]
    )


def resolve(agency: Agency, key: str) -> Calendar | None:
    """The calendar of the agency that ``key`` names, or None (not one of its units or leaders)."""
    key = (key or "").strip()
    if key == AGENCY_KEY:
        return agency_calendar(agency)
    prefix, _, pk = key.rpartition("-")
    if not pk.isdigit() or len(pk) > 18:
        return None
    if prefix == "don-vi":
        unit = units(agency.pk).filter(pk=int(pk)).first()
        return Calendar(agency, CalendarKind.UNIT, unit=unit) if unit else None
    if prefix == "lanh-dao":
        leader = leaders(agency.pk).filter(pk=int(pk)).first()
        return Calendar(agency, CalendarKind.LEADER, leader=leader) if leader else None
    return None


def of_entry(entry: Entry) -> Calendar:
    return Calendar(entry.agency, entry.calendar_kind, unit=entry.calendar_unit, leader=entry.calendar_leader)
