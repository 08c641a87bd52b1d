"""Announcements and boards: the commands, one transaction each, journaled.

Rules (SPEC §5, BKIS eOffice regulation):

* **Who announces**, in one of their capacities (:func:`capacities`): the agency's leaders (to the whole agency or
  to chosen units), a unit leader (to the units they lead), and the members a group board gave the "may announce"
  right (the Party committee, the executive of the trade union or of the youth union; to the whole agency or to
  chosen units). The poster edits and removes their own announcements.
* An announcement is told to its audience through the notifications, and shows as a banner on every page until the
  person marks it read; the read receipts (who, when) are kept and shown to the poster.
* **Retention**: kept ``VPDT_ANNOUNCEMENT_RETENTION_MONTHS`` months (one quarter) from posting; its poster may ask
  the agency's administrator to keep it longer (:func:`request_extension`), who extends or declines. The daily
  job :func:`expire_announcements` removes what is past its date and not waiting for such a decision, and journals
  each removal.
* **Boards**: every agency has a public board and three group boards (Party cell, trade union, youth union). Anyone
  of the agency posts on the public board; only members post on (and read) a group board. The agency's
  administrators name each group board's managers; the managers keep its membership and its "may announce" rights.
  An author removes their own posts.

Who may act is the SQL predicates of :mod:`.policies`, asked for the one object concerned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from vpdt.core.authz import manageable, permitted, scope_of, visible
from vpdt.core.dates import day_bounds
from vpdt.directory import members
from vpdt.directory.models import Agency, Role, Unit
from vpdt.journal import services as journal
from vpdt.notifications import services as notifications
from vpdt.notifications import topics

from .models import (
    GROUP_KINDS,
    Announcement,
    AnnouncementRead,
    AnnouncementUnit,
    Board,
    BoardKind,
    BoardMember,
    Post,
)

TITLE_MAX, BODY_MAX, REASON_MAX = 300, 10000, 500
BOARD_ANNOUNCERS = {
    BoardKind.PARTY: "Cấp ủy chi bộ",
    BoardKind.UNION: "Ban chấp hành công đoàn",
    BoardKind.YOUTH: "Ban chấp hành chi đoàn",
}
NOT_YOURS = "Chỉ người đăng thông báo được làm việc này."


# ------------------------------------------------------------------------------------------ boards


def ensure_boards(agency) -> list[Board]:
    """The agency's four boards, created when missing."""
    for kind in BoardKind.values:
        Board.objects.get_or_create(agency_id=agency.pk, kind=kind)
    return list(Board.objects.filter(agency_id=agency.pk).order_by("id"))


def boards_for_new_agency(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        ensure_boards(instance)


def post_url(post: Post) -> str:
    return reverse("boards:board", args=[post.board_id]) + f"#tin-{post.pk}"


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Tiêu đề là bắt buộc."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Tiêu đề dài tối đa {TITLE_MAX} ký tự."
    if not body:
        errors["body"] = "Nội dung là bắt buộc."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Nội dung dài tối đa {BODY_MAX} ký tự."
    if errors:
        raise ValidationError(errors)
    return title, body


def create_post(actor, board: Board, *, title: str, body: str) -> Post:
    """Post on a board: anyone of the agency on its public board, only members on a group board."""
    title, body = _clean(title, body)
    with transaction.atomic():
        if not permitted(Board.objects.filter(pk=board.pk), actor, "post").exists():
            raise PermissionDenied(gettext("Chỉ thành viên của bảng tin này được đăng tin."))
        post = Post.objects.create(board=board, agency_id=board.agency_id, author=actor, title=title, body=body)
        journal.record("boards.post.create", actor=actor, obj=post, agency=board.agency, details={"board": str(board)})
    return post


def remove_post(actor, post: Post) -> None:
    with transaction.atomic():
        if not manageable(Post.objects.filter(pk=post.pk), actor).exists():
            raise PermissionDenied(gettext("Chỉ người đăng tin được gỡ tin này."))
        journal.record(
            "boards.post.remove", actor=actor, obj=post, agency=post.board.agency, details={"board": str(post.board)}
        )
        post.delete()


def _manages(actor, board: Board) -> None:
    if not manageable(Board.objects.filter(pk=board.pk), actor).exists():
        raise PermissionDenied(
            gettext("Chỉ người quản lý bảng tin hoặc quản trị hệ thống của cơ quan được thay đổi thành viên.")
        )


def _names_managers(actor, board: Board) -> None:
    if not permitted(Board.objects.filter(pk=board.pk), actor, "managers").exists():
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống của cơ quan được chỉ định người quản lý bảng tin."))


def add_member(actor, board: Board, user, *, is_manager: bool = False, may_announce: bool = False) -> BoardMember:
    """Add a person of the agency to a group board."""
    if board.kind not in GROUP_KINDS:
        raise ValidationError(
            gettext("Bảng tin công cộng không có danh sách thành viên: mọi người trong cơ quan đều đăng được.")
        )
    with transaction.atomic():
        _manages(actor, board)
        if is_manager:
            _names_managers(actor, board)
        members.require_member(
            user,
            board.agency_id,
            field="user",
            message=gettext("Thành viên phải là người đang công tác tại cơ quan."),
        )
        if BoardMember.objects.filter(board=board, user=user).exists():
            raise ValidationError(
                {
                    "user": gettext("%(name)s đã là thành viên của %(board)s.")
                    % {"name": user.full_name, "board": board}
                },
                code="duplicate",
            )
        member = BoardMember.objects.create(board=board, user=user, is_manager=is_manager, may_announce=may_announce)
        journal.record(
            "boards.member.add",
            actor=actor,
            obj=board,
            agency=board.agency,
            details={"member": user.full_name, "is_manager": is_manager, "may_announce": may_announce},
        )
    return member


def change_member(actor, member: BoardMember, *, is_manager: bool | None = None, may_announce: bool | None = None):
    """A manager grants or withdraws the "may announce" right; an administrator names or revokes a manager."""
    board = member.board
    with transaction.atomic():
        _manages(actor, board)
        changes = {}
        if is_manager is not None and is_manager != member.is_manager:
            _names_managers(actor, board)
            changes["is_manager"] = {"from": member.is_manager, "to": is_manager}
            member.is_manager = is_manager
        if may_announce is not None and may_announce != member.may_announce:
            changes["may_announce"] = {"from": member.may_announce, "to": may_announce}
            member.may_announce = may_announce
        if changes:
            member.save(update_fields=["is_manager", "may_announce"])
            journal.record(
                "boards.member.change",
                actor=actor,
                obj=board,
                agency=board.agency,
                details={"member": member.user.full_name, **changes},
            )
    return member


def remove_member(actor, member: BoardMember) -> None:
    board = member.board
    with transaction.atomic():
        _manages(actor, board)
        if member.is_manager:
            _names_managers(actor, board)
        journal.record(
            "boards.member.remove",
            actor=actor,
            obj=board,
            agency=board.agency,
            details={"member": member.user.full_name},
        )
        member.delete()


# ------------------------------------------------------------------------------------------ announcements


@dataclass(frozen=True)
class Capacity:
    """One way a person announces: ``units`` None for any audience, else only those units (a unit leader's)."""

    code: str
    label: str
    units: frozenset[int] | None = None


def capacities(actor) -> list[Capacity]:
    """The capacities in which ``actor`` may announce, in order."""
    scope = scope_of(actor)
    if scope.agency_id is None:
        return []
    found = []
    if scope.has_role(Role.LEADER):
        found.append(Capacity("leader", "Lãnh đạo cơ quan"))
    for unit in Unit.objects.filter(pk__in=sorted(scope.led_unit_ids), agency_id=scope.agency_id).order_by("name"):
        found.append(Capacity(f"unit:{unit.pk}", f"Lãnh đạo {unit.name}", frozenset({unit.pk})))
    for board in permitted(Board, actor, "announce").order_by("id"):
        found.append(Capacity(f"board:{board.pk}", BOARD_ANNOUNCERS[board.kind]))
    return found


def retention_end(start: dt.datetime) -> dt.datetime:
    return start + relativedelta(months=settings.VPDT_ANNOUNCEMENT_RETENTION_MONTHS)


def _audience_units(agency_id: int, capacity: Capacity, whole_agency: bool, units) -> list[Unit]:
    units = list({u.pk: u for u in units or []}.values())
    if capacity.units is not None:
        if whole_agency:
            raise ValidationError({"whole_agency": gettext("Lãnh đạo đơn vị chỉ gửi thông báo đến đơn vị mình.")})
        units = units or list(Unit.objects.filter(pk__in=capacity.units))
        if any(u.pk not in capacity.units for u in units):
            raise ValidationError({"units": gettext("Lãnh đạo đơn vị chỉ gửi thông báo đến đơn vị mình.")})
    if whole_agency:
        return []
    if not units:
        raise ValidationError({"units": gettext("Chọn đơn vị nhận thông báo, hoặc gửi toàn cơ quan.")})
    for unit in units:
        members.require_unit(
            unit, agency_id, field="units", message=gettext("Đơn vị nhận phải là đơn vị đang hoạt động thuộc cơ quan.")
        )
    return units


def _audience(announcement: Announcement, units: list[Unit]):
    if announcement.whole_agency:
        return members.members(announcement.agency_id)
    people = members.members(announcement.agency_id).none()
    for unit in units:
        people = people | members.members(announcement.agency_id, unit_id=unit.pk)
    return people.distinct()


def post_announcement(
    actor, *, capacity: str, title: str, body: str, whole_agency: bool = True, units=()
) -> Announcement:
    """Post an announcement in one of the actor's capacities, and tell its audience."""
    title, body = _clean(title, body)
    chosen = next((c for c in capacities(actor) if c.code == capacity), None)
    if chosen is None:
        raise PermissionDenied(
            gettext("Chỉ lãnh đạo cơ quan, cấp ủy, ban chấp hành các đoàn thể và lãnh đạo đơn vị được đăng thông báo.")
        )
    agency_id = scope_of(actor).agency_id
    units = _audience_units(agency_id, chosen, whole_agency and chosen.units is None, units)
    with transaction.atomic():
        now = timezone.now()
        announcement = Announcement.objects.create(
            agency_id=agency_id,
            author=actor,
            posted_as=chosen.label,
            title=title,
            body=body,
            whole_agency=not units,
            expires_at=retention_end(now),
        )
        AnnouncementUnit.objects.bulk_create([AnnouncementUnit(announcement=announcement, unit=u) for u in units])
        audience = "toàn cơ quan" if not units else ", ".join(u.name for u in units)
        journal.record(
            "boards.announcement.post",
            actor=actor,
            obj=announcement,
            agency=Agency.objects.get(pk=agency_id),
            details={"posted_as": chosen.label, "audience": audience, "expires_at": announcement.expires_at},
        )
        notifications.notify(
            _audience(announcement, units).exclude(pk=actor.pk),
            "boards.announcement",
            text=f"Thông báo của {chosen.label}: {title}",
            topic=topics.NEWS,
            target=announcement,
            body=body,
        )
    return announcement


def _own(actor, announcement: Announcement) -> Announcement:
    locked = Announcement.objects.select_for_update().filter(pk=announcement.pk).first()
    if locked is None or not manageable(Announcement.objects.filter(pk=announcement.pk), actor).exists():
        raise PermissionDenied(NOT_YOURS)
    return locked


def edit_announcement(actor, announcement: Announcement, *, title: str, body: str) -> Announcement:
    title, body = _clean(title, body)
    with transaction.atomic():
        locked = _own(actor, announcement)
        diff = {}
        for name, value in (("title", title), ("body", body)):
            if getattr(locked, name) != value:
                diff[name] = {"from": getattr(locked, name), "to": value}
                setattr(locked, name, value)
        if diff:
            locked.save(update_fields=["title", "body", "updated_at"])
            journal.record("boards.announcement.edit", actor=actor, obj=locked, agency=locked.agency, details=diff)
    return locked


def remove_announcement(actor, announcement: Announcement) -> None:
    with transaction.atomic():
        locked = _own(actor, announcement)
        journal.record("boards.announcement.remove", actor=actor, obj=locked, agency=locked.agency)
        locked.delete()


def mark_read(user, announcement: Announcement) -> bool:
    """The person marks an announcement addressed to them read; False when it already was."""
    if not visible(Announcement.objects.filter(pk=announcement.pk), user).exists():
        raise PermissionDenied(gettext("Bạn không nhận thông báo này."))
    _read, created = AnnouncementRead.objects.get_or_create(announcement_id=announcement.pk, user=user)
    return created


def _until(value) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({"until": gettext("Ngày gia hạn là bắt buộc (dd/mm/yyyy).")}, code="required")
    if value <= timezone.localdate():
        raise ValidationError({"until": gettext("Ngày gia hạn phải sau hôm nay.")}, code="past")
    return value


def request_extension(actor, announcement: Announcement, *, until: dt.date, reason: str) -> Announcement:
    """The poster asks the agency's administrator to keep the announcement until ``until``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Lý do đề nghị gia hạn là bắt buộc.")}, code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": gettext("Lý do dài tối đa %(reason_max)s ký tự.") % {"reason_max": REASON_MAX}}
        )
    until = _until(until)
    with transaction.atomic():
        locked = _own(actor, announcement)
        if until <= timezone.localtime(locked.expires_at).date():
            raise ValidationError(
                {"until": gettext("Ngày gia hạn phải sau ngày hết hạn lưu hiện tại.")}, code="not_later"
            )
        locked.extension_until, locked.extension_reason = until, reason
        locked.extension_requested_at = timezone.now()
        locked.save(update_fields=["extension_until", "extension_reason", "extension_requested_at", "updated_at"])
        journal.record(
            "boards.announcement.request_extension",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"until": until, "reason": reason},
        )
        admins = members.members(locked.agency_id, roles=[Role.ADMIN])
        notifications.notify(
            admins,
            "boards.extension_requested",
            text=f"{actor.full_name} đề nghị gia hạn lưu thông báo “{locked.title}” đến {until:%d/%m/%Y}",
            topic=topics.WORK,
            target=locked,
        )
    return locked


def _administered(actor, announcement: Announcement) -> Announcement:
    locked = Announcement.objects.select_for_update().filter(pk=announcement.pk).first()
    if locked is None or not permitted(Announcement.objects.filter(pk=announcement.pk), actor, "extend").exists():
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống của cơ quan được gia hạn lưu thông báo."))
    return locked


def extend(actor, announcement: Announcement, *, until: dt.date | None = None) -> Announcement:
    """The agency's administrator keeps the announcement until ``until`` (default: the date asked for)."""
    with transaction.atomic():
        locked = _administered(actor, announcement)
        until = _until(until or locked.extension_until)
        locked.expires_at = day_bounds(until)[1]
        locked.extension_until, locked.extension_reason, locked.extension_requested_at = None, "", None
        locked.save(
            update_fields=["expires_at", "extension_until", "extension_reason", "extension_requested_at", "updated_at"]
        )
        journal.record(
            "boards.announcement.extend", actor=actor, obj=locked, agency=locked.agency, details={"until": until}
        )
        notifications.notify(
            [locked.author],
            "boards.extended",
            text=f"Thông báo “{locked.title}” được gia hạn lưu đến {until:%d/%m/%Y}",
            target=locked,
        )
    return locked


def decline_extension(actor, announcement: Announcement, *, reason: str) -> Announcement:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Lý do không gia hạn là bắt buộc.")}, code="required")
    with transaction.atomic():
        locked = _administered(actor, announcement)
        if locked.extension_requested_at is None:
            raise ValidationError(gettext("Thông báo này không có đề nghị gia hạn."), code="no_request")
        locked.extension_until, locked.extension_reason, locked.extension_requested_at = None, "", None
        locked.save(update_fields=["extension_until", "extension_reason", "extension_requested_at", "updated_at"])
        journal.record(
            "boards.announcement.decline_extension",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"reason": reason[:REASON_MAX]},
        )
        notifications.notify(
            [locked.author],
            "boards.extension_declined",
            text=f"Đề nghị gia hạn lưu thông báo “{locked.title}” không được chấp nhận: {reason[:200]}",
            target=locked,
        )
    return locked


def expire_announcements(now: dt.datetime | None = None) -> int:
    """Remove the announcements past their retention date that wait for no decision on an extension, journaling
    each. Returns how many were removed."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            Announcement.objects.select_for_update()
            .filter(expires_at__lte=now, extension_requested_at__isnull=True)
            .select_related("agency")
            .order_by("id")
        )
        for announcement in expired:
            journal.record(
                "boards.announcement.expire",
                actor=None,
                obj=announcement,
                agency=announcement.agency,
                details={"expires_at": announcement.expires_at, "posted_as": announcement.posted_as},
            )
        Announcement.objects.filter(pk__in=[a.pk for a in expired]).delete()
    return len(expired)
