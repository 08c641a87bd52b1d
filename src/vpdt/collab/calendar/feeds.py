"""Calendar feeds (iCalendar, RFC 5545) for calendar programs and phones, read at a secret address without logging
in (:class:`.published.FeedToken`).

* Personal: the entries the owner chairs or takes part in (as a person).
* A unit's: the entries of the unit's calendar and those the unit takes part in (:meth:`.calendars.Calendar.shown`).

Both carry the approved entries, and those cancelled after approval (STATUS:CANCELLED, so a subscribed calendar
drops them), from :data:`PAST_DAYS` ago to :data:`AHEAD_DAYS` ahead, and always through the owner's visibility now
(:func:`vpdt.core.authz.visible`): someone who left the agency gets nothing more. Times are in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from vpdt.core.authz import visible

from . import calendars
from .models import CalendarKind, Entry, EntryStatus, Participant, ParticipantRole
from .publishing import feed_units

PAST_DAYS, AHEAD_DAYS, MAX_EVENTS = 60, 366, 2000
PRODID = "-//vpdt//Lich cong tac//VI"


def _published() -> Q:
    return Q(status=EntryStatus.APPROVED) | Q(status=EntryStatus.CANCELLED, approved_at__isnull=False)


def entries_of(feed):
    """The entries the feed carries now, soonest first, their room and people read in two more queries."""
    owner = feed.user
    now = timezone.now()
    qs = visible(Entry, owner).filter(
        _published(),
        starts_at__gte=now - dt.timedelta(days=PAST_DAYS),
        starts_at__lt=now + dt.timedelta(days=AHEAD_DAYS),
    )
    if feed.unit_id is None:
        taking_part = Participant.objects.filter(user_id=owner.pk).values("entry_id")
        qs = qs.filter(Q(chair_id=owner.pk) | Q(pk__in=taking_part))
    else:
        if not feed_units(owner).filter(pk=feed.unit_id).exists():
            return Entry.objects.none()
        agency = feed.unit.agency
        qs = qs.filter(calendars.Calendar(agency, CalendarKind.UNIT, unit=feed.unit).shown())
    return (
        qs.select_related("chair", "room")
        .prefetch_related("participants__user", "participants__unit")
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )


def _description(entry: Entry) -> str:
    names = {role: [] for role in ParticipantRole.values}
    for part in entry.participants.all():
        names[part.role].append(part.user.full_name if part.user_id else part.unit.name)
    lines = [f"Chủ trì: {entry.chair.full_name}"]
    if names[ParticipantRole.ATTEND]:
        lines.append("Thành phần: " + ", ".join(names[ParticipantRole.ATTEND]))
    if names[ParticipantRole.PREPARE]:
        lines.append("Chuẩn bị: " + ", ".join(names[ParticipantRole.PREPARE]))
    if entry.video_url:
        lines.append(f"Họp trực tuyến: {entry.video_url}")
    if entry.description:
        lines.append(entry.description)
    if entry.status == EntryStatus.CANCELLED and entry.reason:
        lines.append(f"Đã hủy: {entry.reason}")
    return "\n".join(lines)


def sequences(entries: list[Entry]) -> dict[int, int]:
    """RFC 5545 SEQUENCE of each entry: how many times it changed after its registration (its journaled steps:
    edits, approval, cancellation), so a calendar program takes the newer copy. One query."""
    from vpdt.journal.models import JournalEntry

    rows = (
        JournalEntry.objects.filter(object_type=Entry._meta.label_lower, object_id__in=[str(e.pk) for e in entries])
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return {int(r["object_id"]): max(r["n"] - 1, 0) for r in rows}


def calendar_bytes(feed, name: str) -> bytes:
    from icalendar import Calendar, Event

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "vpdt"
    found = list(entries_of(feed))
    changes = sequences(found)
    for entry in found:
        event = Event()
        event.add("uid", f"lich-{entry.pk}@{host.lstrip('.')}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", entry.starts_at.astimezone(tz))
        event.add("dtend", entry.ends_at.astimezone(tz))
        event.add("summary", entry.title)
        if entry.where:
            event.add("location", entry.where)
        event.add("description", _description(entry))
        event.add("status", "CANCELLED" if entry.status == EntryStatus.CANCELLED else "CONFIRMED")
        event.add("sequence", changes.get(entry.pk, 0))
        event.add("last-modified", entry.updated_at)
        event.add("created", entry.created_at)
        if entry.video_url:
            event.add("url", entry.video_url)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_name(feed) -> str:
    if feed.unit_id:
        return f"Lịch công tác {feed.unit.name}"
    return f"Lịch công tác của {feed.user.full_name}"
