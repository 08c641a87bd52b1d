"""The work calendar: the commands, one transaction each, journaled.

* **Booking** (:func:`book`): anyone of the agency registers an entry on one of its calendars (the agency's, a
  unit's, a leader's); it waits for the calendar's keepers (:mod:`.rights`), who are told. A recurrence stores
  every occurrence as an entry (at most :data:`MAX_OCCURRENCES`).
* **Clashes**: a room is never given twice for overlapping times — the booking is refused with the clash named,
  also under concurrency (the room's row is locked inside the transaction before the check). A person (the chair or
  a participant) already busy is a warning (:class:`PersonClash`): the booking goes through once the user confirms.
  A clash names the other entry only to whoever may see it.
* **Linked documents**: incoming and outgoing documents and dossiers the person can see (:func:`vpdt.core.authz.
  visible`), stored as (kind, id, label).
* **Lifecycle** (:mod:`.lifecycle`): approval tells the chair, the participants (people, and the members of
  participant units) and whoever registered it; a refusal or a cancellation needs a reason. A step may cover the
  whole series (the occurrences from this one on still in a state the step accepts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import scope_of, visible
from vpdt.directory import members
from vpdt.directory.models import Agency, Unit
from vpdt.dossiers.models import Dossier
from vpdt.incoming.models import IncomingDocument
from vpdt.journal import services as journal
from vpdt.notifications import services as notifications
from vpdt.notifications import topics
from vpdt.outgoing.models import OutgoingDocument

from . import calendars, rights
from .calendars import Calendar
from .lifecycle import ENTRY
from .models import (
    HOLDING,
    CalendarGrant,
    Entry,
    EntryLink,
    EntryStatus,
    Frequency,
    LinkKind,
    Participant,
    ParticipantRole,
    Reminder,
    Room,
    Series,
)

TITLE_MAX, TEXT_MAX, PLACE_MAX, REASON_MAX, URL_MAX = 500, 5000, 300, 500, 500
MAX_OCCURRENCES = 60
MAX_PARTICIPANTS = 200
MAX_LINKS = 50
NOT_MEMBER = _("Chỉ người đang công tác tại cơ quan được đăng ký lịch của cơ quan.")


def dmy(day) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def hm(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}" if moment else ""


def span_text(entry: Entry) -> str:
    """“08:00–10:00 ngày 12/05/2026”, Vietnam time."""
    return f"{hm(entry.starts_at)}–{hm(entry.ends_at)} ngày {dmy(timezone.localtime(entry.starts_at).date())}"


def span_shown(entry: Entry) -> str:
    """:func:`span_text` in the language of the screen (the notifications and the journal keep Vietnamese)."""
    values = {
        "start": hm(entry.starts_at),
        "end": hm(entry.ends_at),
        "day": dmy(timezone.localtime(entry.starts_at).date()),
    }
    return gettext("%(start)s–%(end)s ngày %(day)s") % values


@dataclass(frozen=True)
class Part:
    """A participant: a person or a unit, with a role (tham dự, chuẩn bị, viết kết luận)."""

    role: str
    user: object | None = None
    unit: Unit | None = None

    @property
    def name(self) -> str:
        return self.user.full_name if self.user is not None else self.unit.name


@dataclass(frozen=True)
class Recurrence:
    frequency: str
    until: dt.date | None = None
    count: int | None = None


class PersonClash(ValidationError):
    """People of the entry are busy then: the booking goes through when the user confirms (``confirm=True``)."""

    def __init__(self, clashes: list[str]):
        super().__init__({"people": clashes}, code="person_clash")
        self.clashes = clashes


# ------------------------------------------------------------------------------------------ checking input


def _text(value, field: str, limit: int, message: str = "", required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: gettext("Tối đa %(limit)s ký tự.") % {"limit": limit}})
    return value


def _moment(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at.replace(second=0, microsecond=0)))


def _times(day, start, end) -> tuple[dt.date, dt.time, dt.time]:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError({"day": gettext("Cần nhập ngày (dd/mm/yyyy).")})
    if not isinstance(start, dt.time):
        raise ValidationError({"start": gettext("Cần nhập giờ bắt đầu (HH:MM).")})
    if not isinstance(end, dt.time):
        raise ValidationError({"end": gettext("Cần nhập giờ kết thúc (HH:MM).")})
    if end <= start:
        raise ValidationError(
            {
                "end": gettext(
                    "Giờ kết thúc phải sau giờ bắt đầu (một lịch nằm trong một ngày; lịch nhiều "
                    "ngày hãy đăng ký lặp lại hằng ngày)."
                )
            }
        )
    return day, start, end


def occurrences(day: dt.date, recurrence: Recurrence | None) -> list[dt.date]:
    """The days of the entry: ``day``, and the next ones of the recurrence until its date or count."""
    if recurrence is None:
        return [day]
    if recurrence.frequency not in Frequency.values:
        raise ValidationError({"recurrence": gettext("Kiểu lặp lại không hợp lệ.")})
    if (recurrence.until is None) == (recurrence.count is None):
        raise ValidationError({"recurrence": gettext("Lịch lặp lại cần đúng một trong hai: đến ngày, hoặc số lần.")})
    if recurrence.count is not None and not 2 <= recurrence.count <= MAX_OCCURRENCES:
        raise ValidationError({"recurrence": gettext("Số lần lặp từ 2 đến %(most)s.") % {"most": MAX_OCCURRENCES}})
    if recurrence.until is not None and recurrence.until <= day:
        raise ValidationError({"recurrence": gettext("Ngày kết thúc lặp lại phải sau ngày của lịch.")})
    step = dt.timedelta(days=7 if recurrence.frequency == Frequency.WEEKLY else 1)
    days, current = [], day
    while True:
        if recurrence.frequency != Frequency.WORKDAYS or current.weekday() < 5:
            days.append(current)
        if recurrence.count is not None and len(days) == recurrence.count:
            return days
        current += step
        if recurrence.until is not None and current > recurrence.until:
            return days
        if len(days) > MAX_OCCURRENCES:
            raise ValidationError(
                {"recurrence": gettext("Một lần đăng ký lặp lại tối đa %(most)s buổi.") % {"most": MAX_OCCURRENCES}}
            )


def _parts(agency_id: int, chair, parts: Iterable[Part]) -> list[Part]:
    members.require_member(
        chair, agency_id, field="chair", message=gettext("Người chủ trì phải đang công tác tại cơ quan.")
    )
    found, seen = [], set()
    for part in parts or ():
        if part.role not in ParticipantRole.values:
            raise ValidationError({"participants": gettext("Vai trò của thành phần không hợp lệ.")})
        if (part.user is None) == (part.unit is None):
            raise ValidationError({"participants": gettext("Mỗi thành phần là một người hoặc một đơn vị.")})
        if part.user is not None:
            members.require_member(
                part.user,
                agency_id,
                field="participants",
                message=gettext("%(name)s không công tác tại cơ quan.") % {"name": part.user.full_name},
            )
            key = ("p", part.user.pk, part.role)
        else:
            members.require_unit(
                part.unit,
                agency_id,
                field="participants",
                message=gettext("%(unit)s không thuộc cơ quan.") % {"unit": part.unit.name},
            )
            key = ("u", part.unit.pk, part.role)
        if key not in seen:
            seen.add(key)
            found.append(part)
    if len(found) > MAX_PARTICIPANTS:
        raise ValidationError({"participants": gettext("Tối đa %(most)s thành phần.") % {"most": MAX_PARTICIPANTS}})
    return found


def _room(agency_id: int, room) -> Room | None:
    if room is None:
        return None
    if room.agency_id != agency_id or not room.is_active:
        raise ValidationError({"room": gettext("Phòng họp không thuộc cơ quan hoặc đã ngừng sử dụng.")})
    return room


def _video(url) -> str:
    url = _text(url, "video_url", URL_MAX)
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ValidationError(
                {"video_url": gettext("Đường dẫn họp trực tuyến không hợp lệ (bắt đầu bằng https://).")}
            ) from None
    return url


def _remind(minutes) -> int | None:
    if minutes in (None, "", 0):
        return None
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = -1
    if minutes not in Reminder.values:
        raise ValidationError({"remind_minutes": gettext("Nhắc lịch trước 15, 30 hoặc 60 phút.")})
    return minutes


def _links(actor, incoming_ids: Iterable, outgoing_ids: Iterable, dossier_ids: Iterable) -> list[EntryLink]:
    links = []
    for kind, model, ids, label in (
        (LinkKind.INCOMING, IncomingDocument, incoming_ids, _("văn bản đến")),
        (LinkKind.OUTGOING, OutgoingDocument, outgoing_ids, _("văn bản đi")),
        (LinkKind.DOSSIER, Dossier, dossier_ids, _("hồ sơ")),
    ):
        for pk in sorted({int(i) for i in ids or ()}):
            obj = visible(model, actor).filter(pk=pk).first()
            if obj is None:
                raise ValidationError(
                    {
                        "links": gettext("Không có %(kind)s mã %(pk)s hoặc bạn không có quyền xem.")
                        % {"kind": label, "pk": pk}
                    }
                )
            links.append(EntryLink(kind=kind, object_id=pk, label=str(obj)[:300]))
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": gettext("Tối đa %(most)s tài liệu liên quan.") % {"most": MAX_LINKS}})
    return links


# ------------------------------------------------------------------------------------------ clashes


def _overlapping(spans: list[tuple[dt.datetime, dt.datetime]]) -> Q:
    q = Q(pk__in=[])
    for starts, ends in spans:
        q |= Q(starts_at__lt=ends, ends_at__gt=starts)
    return q


def room_clashes(room: Room, spans, exclude=()) -> list[Entry]:
    """The entries holding ``room`` (waiting or approved) at any of ``spans``."""
    qs = Entry.objects.filter(_overlapping(spans), room=room, status__in=HOLDING).exclude(pk__in=list(exclude))
    return list(qs.order_by("starts_at", "pk"))


def person_clashes(agency_id: int, people: Iterable, spans, exclude=()) -> list[tuple[object, Entry]]:
    """(person, entry) for each of ``people`` chairing or taking part in another holding entry at ``spans``."""
    by_id = {p.pk: p for p in people if p is not None}
    if not by_id or not spans:
        return []
    ids = sorted(by_id)
    taking_part = Participant.objects.filter(user_id__in=ids).values("entry_id")
    qs = (
        Entry.objects.filter(_overlapping(spans), agency_id=agency_id, status__in=HOLDING)
        .filter(Q(chair_id__in=ids) | Q(pk__in=taking_part))
        .exclude(pk__in=list(exclude))
        .prefetch_related("participants")
        .order_by("starts_at", "pk")
    )
    found = []
    for entry in qs:
        busy = {entry.chair_id} | {p.user_id for p in entry.participants.all() if p.user_id}
        found.extend((by_id[pk], entry) for pk in ids if pk in busy)
    return found


def _named(entry: Entry, seen: set[int]) -> str:
    return f"“{entry.title}”" if entry.pk in seen else gettext("một lịch khác")


def _check_clashes(actor, agency_id, room, chair, parts, spans, exclude, confirm: bool) -> list[str]:
    """Refuse a room clash; raise :class:`PersonClash` (unless confirmed) for busy people. The room's row is
    locked by the caller first. Returns the warnings that were confirmed."""
    if room is not None:
        taken = room_clashes(room, spans, exclude)
        if taken:
            seen = set(visible(Entry, actor).filter(pk__in=[e.pk for e in taken]).values_list("pk", flat=True))
            first = taken[0]
            more = gettext(" (và %(count)s lịch khác)") % {"count": len(taken) - 1} if len(taken) > 1 else ""
            values = {"room": room.name, "entry": _named(first, seen), "when": span_shown(first), "more": more}
            raise ValidationError(
                {
                    "room": gettext(
                        "%(room)s đã được đặt cho %(entry)s lúc %(when)s%(more)s. Hãy chọn phòng hoặc thời gian khác."
                    )
                    % values
                },
                code="room_clash",
            )
    people = [chair] + [p.user for p in parts if p.user is not None]
    busy = person_clashes(agency_id, people, spans, exclude)
    if not busy:
        return []
    seen = set(visible(Entry, actor).filter(pk__in=[e.pk for _p, e in busy]).values_list("pk", flat=True))
    warnings = [
        gettext("%(name)s đã có %(entry)s lúc %(when)s.")
        % {"name": person.full_name, "entry": _named(entry, seen), "when": span_shown(entry)}
        for person, entry in busy
    ]
    if not confirm:
        raise PersonClash(warnings)
    return warnings


# ------------------------------------------------------------------------------------------ booking


def bookable(actor) -> list[Calendar]:
    """The calendars ``actor`` may register entries on: every calendar of their agency."""
    scope = scope_of(actor)
    if scope.agency_id is None or not members.is_member(actor, scope.agency_id):
        return []
    return calendars.every(Agency.objects.get(pk=scope.agency_id))


def _member(actor, calendar: Calendar) -> None:
    scope = scope_of(actor)
    if scope.agency_id != calendar.agency.pk or not members.is_member(actor, scope.agency_id):
        raise PermissionDenied(NOT_MEMBER)


def _tell(people, verb: str, text: str, entry: Entry, topic=topics.WORK, actor=None) -> list:
    return notifications.notify(
        [p for p in people if actor is None or p.pk != actor.pk], verb, text=text, topic=topic, target=entry
    )


def _details(entry: Entry, parts: list[Part], links: list[EntryLink], **more) -> dict:
    """The journal's details: in the journal's language (Vietnamese), whatever the language of the person acting."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "calendar": str(calendars.of_entry(entry).name),
            "when": span_text(entry),
            "where": entry.where,
            "chair": entry.chair.full_name,
            "participants": ", ".join(f"{p.name} ({str(ParticipantRole(p.role).label).lower()})" for p in parts),
            "links": [link.label for link in links],
            **more,
        }


def _calendar_name(calendar: Calendar) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(calendar.name)


def book(
    actor,
    calendar: Calendar,
    *,
    title: str,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    chair,
    participants: Iterable[Part] = (),
    room: Room | None = None,
    place: str = "",
    video_url: str = "",
    description: str = "",
    is_public: bool = False,
    remind_minutes: int | None = None,
    recurrence: Recurrence | None = None,
    incoming_ids: Iterable = (),
    outgoing_ids: Iterable = (),
    dossier_ids: Iterable = (),
    confirm: bool = False,
) -> list[Entry]:
    """Register an entry (each occurrence of a recurrence) waiting for approval. Returns the entries in order."""
    _member(actor, calendar)
    agency_id = calendar.agency.pk
    title = _text(title, "title", TITLE_MAX, gettext("Cần nhập nội dung."), required=True)
    description = _text(description, "description", TEXT_MAX)
    place = _text(place, "place", PLACE_MAX)
    video_url = _video(video_url)
    remind_minutes = _remind(remind_minutes)
    day, start, end = _times(day, start, end)
    parts = _parts(agency_id, chair, participants)
    room = _room(agency_id, room)
    if room is None and not place and not video_url:
        raise ValidationError({"place": gettext("Cần chọn phòng họp, ghi địa điểm hoặc đường dẫn họp trực tuyến.")})
    days = occurrences(day, recurrence)
    spans = [(_moment(d, start), _moment(d, end)) for d in days]
    links = _links(actor, incoming_ids, outgoing_ids, dossier_ids)
    with transaction.atomic():
        if room is not None:
            room = Room.objects.select_for_update().get(pk=room.pk)
        warnings = _check_clashes(actor, agency_id, room, chair, parts, spans, (), confirm)
        series = None
        if recurrence is not None:
            series = Series.objects.create(
                agency_id=agency_id,
                frequency=recurrence.frequency,
                until=recurrence.until,
                count=recurrence.count,
                created_by=actor,
            )
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    **calendar.fields(),
                    series=series,
                    title=title,
                    description=description,
                    starts_at=starts,
                    ends_at=ends,
                    place=place,
                    room=room,
                    video_url=video_url,
                    chair=chair,
                    is_public=bool(is_public),
                    remind_minutes=remind_minutes,
                    remind_at=starts - dt.timedelta(minutes=remind_minutes) if remind_minutes else None,
                    created_by=actor,
                )
                for starts, ends in spans
            ]
        )
        Participant.objects.bulk_create(
            [Participant(entry=e, user=p.user, unit=p.unit, role=p.role) for e in entries for p in parts]
        )
        EntryLink.objects.bulk_create(
            [
                EntryLink(entry=e, kind=link.kind, object_id=link.object_id, label=link.label)
                for e in entries
                for link in links
            ]
        )
        more = {"warnings": warnings} if warnings else {}
        if series is not None:
            with translation.override(settings.LANGUAGE_CODE):
                more["recurrence"] = f"{series.get_frequency_display()}, {len(entries)} buổi"
        journal.record_each(
            [
                {
                    "action": "calendar.entry.create",
                    "obj": e,
                    "agency": calendar.agency,
                    "details": _details(e, parts, links, **more),
                }
                for e in entries
            ],
            actor=actor,
        )
        first = entries[0]
        count = f" ({len(entries)} buổi)" if len(entries) > 1 else ""
        _tell(
            rights.keepers(calendar),
            "calendar.pending",
            f"{actor.full_name} đăng ký lịch “{title}” lúc {span_text(first)}{count}, chờ duyệt",
            first,
            actor=actor,
        )
    return entries


def _locked(entry: Entry) -> Entry:
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("agency", "calendar_unit", "calendar_leader", "chair", "room", "created_by")
        .get(pk=entry.pk)
    )


def edit(
    actor,
    entry: Entry,
    *,
    title: str,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    chair,
    participants: Iterable[Part] = (),
    room: Room | None = None,
    place: str = "",
    video_url: str = "",
    description: str = "",
    is_public: bool = False,
    remind_minutes: int | None = None,
    incoming_ids: Iterable = (),
    outgoing_ids: Iterable = (),
    dossier_ids: Iterable = (),
    confirm: bool = False,
) -> Entry:
    """Change one entry (one occurrence): it waits for approval again."""
    ENTRY.authorize(entry, "edit", actor)
    agency_id = entry.agency_id
    title = _text(title, "title", TITLE_MAX, gettext("Cần nhập nội dung."), required=True)
    description = _text(description, "description", TEXT_MAX)
    place = _text(place, "place", PLACE_MAX)
    video_url = _video(video_url)
    remind_minutes = _remind(remind_minutes)
    day, start, end = _times(day, start, end)
    parts = _parts(agency_id, chair, participants)
    room = _room(agency_id, room)
    if room is None and not place and not video_url:
        raise ValidationError({"place": gettext("Cần chọn phòng họp, ghi địa điểm hoặc đường dẫn họp trực tuyến.")})
    starts, ends = _moment(day, start), _moment(day, end)
    links = _links(actor, incoming_ids, outgoing_ids, dossier_ids)
    with transaction.atomic():
        if room is not None:
            room = Room.objects.select_for_update().get(pk=room.pk)
        entry = _locked(entry)
        ENTRY.check(entry, "edit", actor=actor)
        warnings = _check_clashes(actor, agency_id, room, chair, parts, [(starts, ends)], [entry.pk], confirm)
        was = entry.status
        entry.title, entry.description, entry.place, entry.video_url = title, description, place, video_url
        entry.starts_at, entry.ends_at, entry.room, entry.chair = starts, ends, room, chair
        entry.is_public, entry.remind_minutes = bool(is_public), remind_minutes
        entry.remind_at = starts - dt.timedelta(minutes=remind_minutes) if remind_minutes else None
        entry.reminded_at, entry.reason, entry.decided_by, entry.decided_at = None, "", None, None
        entry.participants.all().delete()
        Participant.objects.bulk_create(
            [Participant(entry=entry, user=p.user, unit=p.unit, role=p.role) for p in parts]
        )
        entry.links.all().delete()
        for link in links:
            link.entry = entry
        EntryLink.objects.bulk_create(links)
        details = _details(entry, parts, links, **({"warnings": warnings} if warnings else {}))
        ENTRY.apply(
            entry,
            "edit",
            actor=actor,
            details=details,
            extra_fields=[
                "title",
                "description",
                "place",
                "video_url",
                "starts_at",
                "ends_at",
                "room",
                "chair",
                "is_public",
                "remind_minutes",
                "remind_at",
                "reminded_at",
                "reason",
                "decided_by",
                "decided_at",
                "updated_at",
            ],
            authorized=True,
        )
        text = f"{actor.full_name} sửa lịch “{title}” ({span_text(entry)}), chờ duyệt lại"
        _tell(rights.keepers(calendars.of_entry(entry)), "calendar.pending", text, entry, actor=actor)
        if was == EntryStatus.APPROVED:
            _tell(people_of(entry), "calendar.changed", text, entry, actor=actor)
    return entry


# ------------------------------------------------------------------------------------------ decisions


def people_of(entry: Entry) -> list:
    """Who an entry concerns: its chair, its participants (people, and the members of participant units) and
    whoever registered it."""
    found = {entry.chair_id: entry.chair, entry.created_by_id: entry.created_by}
    for part in entry.participants.select_related("user"):
        if part.user_id:
            found[part.user_id] = part.user
        else:
            for user in members.members(entry.agency_id, unit_id=part.unit_id):
                found[user.pk] = user
    return list(found.values())


def _targets(entry: Entry, name: str, whole_series: bool) -> list[Entry]:
    """The entry, and with ``whole_series`` the later occurrences of its series the step applies to."""
    found = [entry]
    if whole_series and entry.series_id:
        sources = list(ENTRY.get(name).sources)
        later = (
            Entry.objects.select_for_update(of=("self",))
            .filter(series_id=entry.series_id, starts_at__gt=entry.starts_at, status__in=sources)
            .select_related("agency", "chair", "room", "created_by")
            .order_by("starts_at", "pk")
        )
        found.extend(later)
    return found


def _decide(actor, entry: Entry, name: str, *, whole_series: bool, reason: str = "", prepare=None) -> list[Entry]:
    ENTRY.authorize(entry, name, actor)
    done = []
    with transaction.atomic():
        entry = _locked(entry)
        for item in _targets(entry, name, whole_series):
            ENTRY.check(item, name, actor=actor, authorized=True, reason=reason)
            fields = prepare(item) if prepare else []
            details = {"when": span_text(item)}
            if reason:
                details["reason"] = reason
            ENTRY.apply(item, name, actor=actor, details=details, extra_fields=fields, authorized=True, reason=reason)
            done.append(item)
    return done


def _count(done: list[Entry]) -> str:
    return f" ({len(done)} buổi)" if len(done) > 1 else ""


def approve(actor, entry: Entry, *, whole_series: bool = False) -> list[Entry]:
    """Approve the entry (and the waiting later occurrences of its series): its people are told."""

    def prepare(item: Entry) -> list[str]:
        if item.room_id:  # the room's row first, as every booking does
            Room.objects.select_for_update().get(pk=item.room_id)
            taken = room_clashes(item.room, [(item.starts_at, item.ends_at)], [item.pk])
            if taken:
                raise ValidationError(
                    {
                        "room": gettext("%(room)s đã được đặt cho lịch khác lúc %(when)s.")
                        % {"room": item.room.name, "when": span_shown(taken[0])}
                    },
                    code="room_clash",
                )
        now = timezone.now()
        item.decided_by, item.decided_at, item.approved_at, item.reason = actor, now, now, ""
        return ["decided_by", "decided_at", "approved_at", "reason", "updated_at"]

    with transaction.atomic():
        done = _decide(actor, entry, "approve", whole_series=whole_series, prepare=prepare)
        first = done[0]
        text = f"Lịch “{first.title}” lúc {span_text(first)}{_count(done)} đã được duyệt"
        if first.where:
            text += f", tại {first.where}"
        _tell(people_of(first), "calendar.approved", text, first, actor=actor)
    return done


def refuse(actor, entry: Entry, reason: str, *, whole_series: bool = False) -> list[Entry]:
    reason = _text(reason, "reason", REASON_MAX, gettext("Cần ghi lý do từ chối."), required=True)

    def prepare(item: Entry) -> list[str]:
        item.decided_by, item.decided_at, item.reason = actor, timezone.now(), reason
        return ["decided_by", "decided_at", "reason", "updated_at"]

    with transaction.atomic():
        done = _decide(actor, entry, "refuse", whole_series=whole_series, reason=reason, prepare=prepare)
        first = done[0]
        text = f"{actor.full_name} từ chối lịch “{first.title}” lúc {span_text(first)}{_count(done)}: {reason}"
        _tell([first.created_by, first.chair], "calendar.refused", text, first, actor=actor)
    return done


def cancel(actor, entry: Entry, reason: str, *, whole_series: bool = False) -> list[Entry]:
    reason = _text(reason, "reason", REASON_MAX, gettext("Cần ghi lý do hủy."), required=True)
    was_approved = entry.status == EntryStatus.APPROVED

    def prepare(item: Entry) -> list[str]:
        item.reason = reason
        return ["reason", "updated_at"]

    with transaction.atomic():
        done = _decide(actor, entry, "cancel", whole_series=whole_series, reason=reason, prepare=prepare)
        first = done[0]
        text = f"{actor.full_name} hủy lịch “{first.title}” lúc {span_text(first)}{_count(done)}: {reason}"
        told = people_of(first) if was_approved else [first.created_by, first.chair]
        _tell(told, "calendar.cancelled", text, first, actor=actor)
    return done


# ------------------------------------------------------------------------------------------ rooms and grants


def _room_fields(name, location, capacity, equipment) -> dict:
    name = _text(name, "name", 200, gettext("Cần nhập tên phòng họp."), required=True)
    location = _text(location, "location", 300)
    equipment = _text(equipment, "equipment", 300)
    if capacity in ("", None):
        capacity = None
    else:
        try:
            capacity = int(capacity)
        except (TypeError, ValueError):
            capacity = -1
        if not 1 <= capacity <= 5000:
            raise ValidationError({"capacity": gettext("Sức chứa là số người, từ 1 đến 5000.")})
    return {"name": name, "location": location, "capacity": capacity, "equipment": equipment}


def _may_manage_rooms(actor) -> None:
    if not rights.may_manage_rooms(scope_of(actor)):
        raise PermissionDenied(
            gettext("Chỉ quản trị hệ thống hoặc văn phòng (người quản lý lịch cơ quan) quản lý phòng họp.")
        )


def create_room(actor, *, name: str, location: str = "", capacity=None, equipment: str = "") -> Room:
    _may_manage_rooms(actor)
    fields = _room_fields(name, location, capacity, equipment)
    agency_id = scope_of(actor).agency_id
    with transaction.atomic():
        if Room.objects.filter(agency_id=agency_id, name__iexact=fields["name"]).exists():
            raise ValidationError({"name": gettext("Cơ quan đã có phòng họp tên này.")})
        room = Room.objects.create(agency_id=agency_id, **fields)
        journal.record("calendar.room.create", actor=actor, obj=room, details={"location": fields["location"]})
    return room


def update_room(
    actor, room: Room, *, name: str, location: str = "", capacity=None, equipment: str = "", is_active: bool = True
) -> Room:
    _may_manage_rooms(actor)
    if room.agency_id != scope_of(actor).agency_id:
        raise PermissionDenied(gettext("Phòng họp không thuộc cơ quan của bạn."))
    fields = _room_fields(name, location, capacity, equipment)
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        if Room.objects.filter(agency_id=room.agency_id, name__iexact=fields["name"]).exclude(pk=room.pk).exists():
            raise ValidationError({"name": gettext("Cơ quan đã có phòng họp tên này.")})
        for key, value in fields.items():
            setattr(room, key, value)
        room.is_active = bool(is_active)
        room.save()
        journal.record(
            "calendar.room.update",
            actor=actor,
            obj=room,
            details={"location": room.location, "active": "Đang sử dụng" if room.is_active else "Ngừng sử dụng"},
        )
    return room


def grant(actor, grantee, calendar: Calendar) -> CalendarGrant:
    """Give ``grantee`` the right to keep ``calendar`` (the agency's: every calendar of the agency)."""
    scope = scope_of(actor)
    if not rights.may_grant(scope) or scope.agency_id != calendar.agency.pk:
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống hoặc lãnh đạo cơ quan giao quyền quản lý lịch."))
    members.require_member(
        grantee, calendar.agency.pk, field="grantee", message=gettext("Người được giao phải đang công tác tại cơ quan.")
    )
    with transaction.atomic():
        exists = CalendarGrant.objects.filter(
            grantee=grantee, revoked_at__isnull=True, **{k: v for k, v in calendar.fields().items()}
        ).exists()
        if exists:
            raise ValidationError(
                {"grantee": gettext("%(name)s đã có quyền quản lý lịch này.") % {"name": grantee.full_name}}
            )
        item = CalendarGrant.objects.create(grantee=grantee, granted_by=actor, **calendar.fields())
        journal.record(
            "calendar.grant",
            actor=actor,
            obj=item,
            details={"grantee": grantee.full_name, "calendar": _calendar_name(calendar)},
        )
    _forget(grantee)
    return item


def revoke(actor, item: CalendarGrant) -> CalendarGrant:
    scope = scope_of(actor)
    if not rights.may_grant(scope) or scope.agency_id != item.agency_id:
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống hoặc lãnh đạo cơ quan thu hồi quyền quản lý lịch."))
    with transaction.atomic():
        item = CalendarGrant.objects.select_for_update().select_related("grantee").get(pk=item.pk)
        if item.revoked_at is not None:
            raise ValidationError({"grant": gettext("Quyền này đã được thu hồi.")})
        item.revoked_at, item.revoked_by = timezone.now(), actor
        item.save(update_fields=["revoked_at", "revoked_by"])
        journal.record(
            "calendar.revoke",
            actor=actor,
            obj=item,
            details={"grantee": item.grantee.full_name, "calendar": _calendar_name(grant_calendar(item))},
        )
    _forget(item.grantee)
    return item


def grant_calendar(item: CalendarGrant) -> Calendar:
    return Calendar(item.agency, item.calendar_kind, unit=item.calendar_unit, leader=item.calendar_leader)


def _forget(user) -> None:
    """Drop the grants read earlier into the person's cached scope."""
    scope = getattr(user, "_vpdt_scope", None)
    if scope is not None:
        scope.extra.pop("calendar_grants", None)
