"""Publishing the agency's weekly calendar, and the secret addresses of calendar feeds. Commands here run in one
transaction each and are journaled.

* :func:`snapshot` — the week as published: the approved entries of the agency's calendar (its own and its
  leaders', as :func:`.queries.week_entries` assembles them: days, morning and afternoon), with the agency's name
  and its parent (cơ quan chủ quản) as printed at the top. Stored with each publication: what was published
  stays what was published.
* :func:`week_state` — unpublished, published, or changed since (the snapshot it would publish now differs from
  the latest one's, whatever changed: an entry approved, edited, cancelled, moved).
* :func:`publish` — one action: the next version, journaled, and the agency's people told.
* :func:`make_feed` / :func:`revoke_feed` — a person's feed address, personal or of a unit; the token is shown
  once (only its SHA-256 is kept); making a new one of the same kind revokes the old one (renewal).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from vpdt.core.authz import scope_of, visible
from vpdt.core.roles import Role
from vpdt.directory import members
from vpdt.directory.models import Agency, Position, Unit
from vpdt.journal import services as journal
from vpdt.notifications import services as notifications
from vpdt.notifications import topics

from . import calendars, queries, rights
from .models import CalendarKind, EntryStatus, FeedToken, ParticipantRole, PublishedWeek
from .publish_lifecycle import WEEK, WeekState, WeekStatus

# What a published entry shows; the portal shows only PUBLIC_FIELDS (no personal data beyond the chair).
PUBLIC_FIELDS = ("start", "end", "title", "where", "chair", "chair_title", "units_attending", "units_preparing")


def dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def week_label(monday: dt.date) -> str:
    """“Tuần 20 (từ 11/05/2026 đến 17/05/2026)”."""
    return f"Tuần {monday.isocalendar()[1]} (từ {dmy(monday)} đến {dmy(monday + dt.timedelta(days=6))})"


def _titles(agency_id: int, user_ids) -> dict[int, str]:
    """The chairs' titles (chức danh) in the agency, their primary active position first. One query."""
    rows = (
        Position.objects.filter(agency_id=agency_id, user_id__in=sorted(set(user_ids)), is_active=True)
        .order_by("user_id", "-is_primary", "id")
        .values_list("user_id", "title")
    )
    found: dict[int, str] = {}
    for user_id, title in rows:
        found.setdefault(user_id, title)
    return found


def _entry(entry, titles: dict[int, str]) -> dict:
    units = {role: [] for role in ParticipantRole.values}
    for part in entry.participants.all():
        if part.unit_id:
            units[part.role].append(part.unit.name)
    return {
        "id": entry.pk,
        "start": f"{timezone.localtime(entry.starts_at):%H:%M}",
        "end": f"{timezone.localtime(entry.ends_at):%H:%M}",
        "title": entry.title,
        "where": entry.where,
        "chair": entry.chair.full_name,
        "chair_title": titles.get(entry.chair_id, ""),
        "leader": entry.calendar_leader.full_name if entry.calendar_kind == CalendarKind.LEADER else "",
        "attending": entry.attending,
        "preparing": entry.preparing,
        "concluding": entry.concluding,
        "units_attending": units[ParticipantRole.ATTEND],
        "units_preparing": units[ParticipantRole.PREPARE],
        "is_public": entry.is_public,
    }


def snapshot(agency: Agency, monday: dt.date, viewer) -> dict:
    """The agency's week from ``monday`` as it would be published now (approved entries only). Four queries."""
    monday = queries.monday_of(monday)
    days = queries.week_entries(calendars.agency_calendar(agency), monday, viewer, statuses=(EntryStatus.APPROVED,))
    titles = _titles(agency.pk, [e.chair_id for d in days for h in d.halves for e in h.entries])
    parent = Agency.objects.get_parent(agency) if agency.depth > 1 else None
    return {
        "agency": agency.name,
        "parent": parent.name if parent is not None else "",
        "monday": monday.isoformat(),
        "week_number": monday.isocalendar()[1],
        "days": [
            {
                "day": d.day.isoformat(),
                "name": d.name,
                "halves": [{"label": h.label, "entries": [_entry(e, titles) for e in h.entries]} for h in d.halves],
            }
            for d in days
        ],
    }


def _content(data: dict) -> list:
    return [[[e for e in h["entries"]] for h in d["halves"]] for d in data.get("days", [])]


def latest(agency_id: int, monday: dt.date) -> PublishedWeek | None:
    return (
        PublishedWeek.objects.filter(agency_id=agency_id, monday=queries.monday_of(monday))
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


def week_state(agency: Agency, monday: dt.date, viewer) -> WeekState:
    monday = queries.monday_of(monday)
    last = latest(agency.pk, monday)
    live = snapshot(agency, monday, viewer)
    if last is None:
        status = WeekStatus.UNPUBLISHED
    elif _content(last.snapshot) == _content(live):
        status = WeekStatus.PUBLISHED
    else:
        status = WeekStatus.CHANGED
    return WeekState(agency.pk, monday, status, last, live)


def counts(data: dict) -> tuple[int, int]:
    found = [e for d in data["days"] for h in d["halves"] for e in h["entries"]]
    return len(found), sum(1 for e in found if e["is_public"])


def publish(actor, agency: Agency, monday: dt.date) -> PublishedWeek:
    """Phát hành lịch tuần: store what the week holds now as its next version, journal it, tell the agency."""
    monday = queries.monday_of(monday)
    WEEK.authorize(WeekState(agency.pk, monday, WeekStatus.UNPUBLISHED), "publish", actor)
    with transaction.atomic():
        Agency.objects.select_for_update().filter(pk=agency.pk).first()  # one publisher of the agency at a time
        state = week_state(agency, monday, actor)
        WEEK.check(state, "publish", actor=actor, authorized=True)
        version = (state.latest.version if state.latest else 0) + 1
        entries, public = counts(state.live)
        item = PublishedWeek.objects.create(
            agency=agency,
            monday=monday,
            version=version,
            published_by=actor,
            published_at=timezone.now(),
            snapshot=state.live,
            entry_count=entries,
            public_count=public,
        )
        journal.record(
            "calendar.week.publish",
            actor=actor,
            obj=item,
            agency=agency,
            details={"week": week_label(monday), "version": version, "entries": entries, "public": public},
        )
        again = f", lần {version} (có thay đổi)" if version > 1 else ""
        text = f"{actor.full_name} phát hành lịch công tác {week_label(monday).lower()}{again}"
        people = members.members(agency.pk).exclude(pk=actor.pk)
        notifications.notify(
            people,
            "calendar.week_published",
            text=text,
            topic=topics.NEWS,
            url_name="calendar:published",
            url_args=[item.pk],
        )
    return item


def published(user) -> QuerySet:
    """The publications the person sees (their agency's), newest week and version first."""
    return visible(PublishedWeek, user).select_related("agency", "published_by").order_by("-monday", "-version", "-pk")


def public_latest(agency: Agency, monday: dt.date) -> PublishedWeek | None:
    """What the agency's portal shows for the week: its latest publication."""
    return (
        PublishedWeek.objects.filter(agency=agency, monday=queries.monday_of(monday))
        .only("pk", "agency_id", "monday", "version", "published_at", "snapshot")
        .order_by("-version")
        .first()
    )


def public_days(item: PublishedWeek) -> list[dict]:
    """The published days with only the public entries, and of them only what the portal shows."""
    return [
        {
            "day": dt.date.fromisoformat(d["day"]),
            "name": d["name"],
            "halves": [
                {
                    "label": h["label"],
                    "entries": [{k: e.get(k, "") for k in PUBLIC_FIELDS} for e in h["entries"] if e["is_public"]],
                }
                for h in d["halves"]
            ],
        }
        for d in item.snapshot.get("days", [])
    ]


def days_of(item: PublishedWeek) -> list[dict]:
    """The published days (every entry), dates as dates: what the printed copy and screens show."""
    return [
        {"day": dt.date.fromisoformat(d["day"]), "name": d["name"], "halves": d["halves"]}
        for d in item.snapshot.get("days", [])
    ]


# ------------------------------------------------------------------------------------------ feed addresses


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_units(user) -> QuerySet:
    """The units whose feed the person may subscribe to: their own; every unit of the agency for its office and
    leaders."""
    scope = scope_of(user)
    if scope.agency_id is None:
        return Unit.objects.none()
    qs = calendars.units(scope.agency_id)
    if rights.keeps_all(scope) or scope.has_role(Role.LEADER):
        return qs
    return qs.filter(pk__in=sorted(scope.unit_ids | scope.led_unit_ids))


def feeds(user) -> QuerySet:
    return visible(FeedToken, user).filter(revoked_at__isnull=True).select_related("unit").order_by("unit_id", "pk")


def make_feed(actor, unit: Unit | None = None) -> tuple[FeedToken, str]:
    """A new feed address (personal, or of ``unit``), revoking the person's previous one of the same kind. Returns
    the token row and the token itself, which is not kept."""
    scope = scope_of(actor)
    if scope.agency_id is None or not members.is_member(actor, scope.agency_id):
        raise PermissionDenied("Đồng bộ lịch dành cho người đang công tác tại một cơ quan.")
    if unit is not None and not feed_units(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "Bạn chỉ đồng bộ được lịch của đơn vị mình."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        now = timezone.now()
        old = FeedToken.objects.select_for_update().filter(user=actor, unit=unit, revoked_at__isnull=True)
        renewed = bool(old.update(revoked_at=now))
        item = FeedToken.objects.create(user=actor, unit=unit, token_hash=digest(token))
        journal.record(
            "calendar.feed.renew" if renewed else "calendar.feed.create",
            actor=actor,
            obj=item,
            details={"calendar": unit.name if unit else "Lịch của tôi"},
        )
    return item, token


def revoke_feed(actor, item: FeedToken) -> FeedToken:
    if item.user_id != actor.pk:
        raise PermissionDenied("Chỉ người tạo được thu hồi địa chỉ đồng bộ lịch của mình.")
    with transaction.atomic():
        item = FeedToken.objects.select_for_update(of=("self",)).select_related("unit").get(pk=item.pk)
        if item.revoked_at is not None:
            raise ValidationError({"feed": "Địa chỉ này đã được thu hồi."})
        item.revoked_at = timezone.now()
        item.save(update_fields=["revoked_at"])
        journal.record(
            "calendar.feed.revoke",
            actor=actor,
            obj=item,
            details={"calendar": item.unit.name if item.unit_id else "Lịch của tôi"},
        )
    return item


def feed_of(token: str) -> FeedToken | None:
    """The feed a token opens, or None (wrong, revoked, or its owner no longer active)."""
    token = (token or "").strip()
    if not token or len(token) > 100:
        return None
    return (
        FeedToken.objects.filter(token_hash=digest(token), revoked_at__isnull=True, user__is_active=True)
        .select_related("user", "unit")
        .first()
    )


def touch_feed(item: FeedToken) -> None:
    """Note when the feed was last read (at most once a minute: calendar programs poll)."""
    now = timezone.now()
    if item.last_used_at is None or now - item.last_used_at > dt.timedelta(minutes=1):
        FeedToken.objects.filter(pk=item.pk).update(last_used_at=now)
