"""Reading the work calendar (no changes here: see :mod:`.services`). Every read starts from the entries the person
sees (:mod:`.policies`).

:func:`week_entries` is the printed week (lịch công tác tuần: days as rows, morning and afternoon, with time,
content, place, chair, participants and preparing units), in a fixed number of queries whatever the week holds;
the exports of the week read it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import scope_of, visible

from . import rights
from .calendars import Calendar
from .models import Entry, EntryStatus, Participant, ParticipantRole, Room

WAITING_QUEUE = "calendar.waiting"
SHOWN = (EntryStatus.PENDING, EntryStatus.APPROVED, EntryStatus.CANCELLED)
DAY_NAMES = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))
NOON = dt.time(12, 0)


def entries(user) -> QuerySet:
    return visible(Entry, user).select_related(
        "agency", "calendar_unit", "calendar_leader", "chair", "room", "created_by"
    )


def waiting(user) -> QuerySet:
    """The entries waiting for the person's approval: pending, on a calendar they keep."""
    scope = scope_of(user)
    return Entry.objects.filter(rights.kept(scope), status=EntryStatus.PENDING)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def between(calendar: Calendar, first: dt.date, last: dt.date, viewer, statuses=SHOWN) -> QuerySet:
    """The entries ``viewer`` sees of ``calendar`` from ``first`` to ``last`` (Vietnam days), in time order, with
    their chair, room and participants read in two more queries."""
    start, end = _bounds(first, last)
    parts = Participant.objects.select_related("user", "unit").order_by("id")
    return (
        entries(viewer)
        .filter(calendar.shown(), starts_at__gte=start, starts_at__lt=end, status__in=list(statuses))
        .prefetch_related(Prefetch("participants", queryset=parts))
        .order_by("starts_at", "ends_at", "pk")
    )


@dataclass
class Half:
    """Morning (Sáng) or afternoon (Chiều) of a day, with its entries."""

    label: str
    entries: list = field(default_factory=list)


@dataclass
class Day:
    day: dt.date
    name: str
    halves: list[Half]

    @property
    def empty(self) -> bool:
        return not any(h.entries for h in self.halves)

    @property
    def rows(self) -> int:
        return sum(max(len(h.entries), 1) for h in self.halves)


def annotate(entry) -> None:
    """Give an entry (its participants prefetched) what a printed calendar shows: ``attending`` (thành phần),
    ``preparing`` (chuẩn bị), ``concluding`` (viết kết luận), as names."""
    names = {role: [] for role in ParticipantRole.values}
    for part in entry.participants.all():
        names[part.role].append(part.user.full_name if part.user_id else part.unit.name)
    entry.attending = names[ParticipantRole.ATTEND]
    entry.preparing = names[ParticipantRole.PREPARE]
    entry.concluding = names[ParticipantRole.CONCLUDE]
    local = timezone.localtime(entry.starts_at)
    entry.local_day = local.date()
    entry.is_morning = local.time() < NOON


def week_entries(calendar: Calendar, monday: dt.date, viewer, statuses=SHOWN) -> list[Day]:
    """The week of ``calendar`` starting ``monday`` as ``viewer`` sees it: seven days, each with its morning and
    afternoon entries (annotated by :func:`annotate`). Three queries."""
    monday = monday_of(monday)
    found = list(between(calendar, monday, monday + dt.timedelta(days=6), viewer, statuses))
    days = [
        Day(monday + dt.timedelta(days=i), str(DAY_NAMES[i]), [Half(gettext("Sáng")), Half(gettext("Chiều"))])
        for i in range(7)
    ]
    for entry in found:
        annotate(entry)
        index = (entry.local_day - monday).days
        if 0 <= index < 7:
            days[index].halves[0 if entry.is_morning else 1].entries.append(entry)
    return days


def month_weeks(calendar: Calendar, year: int, month: int, viewer, statuses=SHOWN) -> list[list[tuple]]:
    """The month as weeks (Monday first) of (day, in this month, entries) cells."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    start, end = monday_of(first), monday_of(last) + dt.timedelta(days=6)
    by_day: dict[dt.date, list] = {}
    for entry in between(calendar, start, end, viewer, statuses):
        annotate(entry)
        by_day.setdefault(entry.local_day, []).append(entry)
    weeks, day = [], start
    while day <= end:
        weeks.append([(d, d.month == month, by_day.get(d, [])) for d in (day + dt.timedelta(days=i) for i in range(7))])
        day += dt.timedelta(days=7)
    return weeks


def rooms(user) -> QuerySet:
    return visible(Room, user).order_by("-is_active", "name", "pk")


def room_bookings(room: Room, day: dt.date, viewer) -> QuerySet:
    """The entries holding ``room`` on ``day`` (what the booking form shows beside the room)."""
    start, end = _bounds(day, day)
    return (
        entries(viewer)
        .filter(room=room, starts_at__lt=end, ends_at__gt=start, status__in=[EntryStatus.PENDING, EntryStatus.APPROVED])
        .order_by("starts_at")
    )
