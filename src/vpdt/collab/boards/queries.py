"""What the screens and the API read: always through the predicates of :mod:`.policies`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone

from vpdt.core import work
from vpdt.core.authz import manageable, permitted, scope_of, visible

from .models import Announcement, AnnouncementRead, Board, BoardMember, Post

BANNER_MAX = 3
UNREAD_QUEUE = "boards.unread"


def announcements(user):
    """The announcements the person reads, newest first, each with ``is_read`` (theirs)."""
    read = AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=user.pk)
    return (
        visible(Announcement, user)
        .select_related("author")
        .annotate(is_read=Exists(read))
        .order_by("-created_at", "-id")
    )


def unread(user):
    """Announcements addressed to the person, still kept, not marked read (their own excepted)."""
    return announcements(user).filter(is_read=False, expires_at__gt=timezone.now()).exclude(author_id=user.pk)


def banner(request) -> dict | None:
    """The banner's context: the newest unread announcements, or None. Whether there are any is counted with the
    menu's badges (the page's one statement of counts); the rows are read only when there are."""
    user = request.user
    if not user.is_authenticated or scope_of(user).agency_id is None:
        return None
    count = work.summary(request).by_key.get(UNREAD_QUEUE)
    if count is None or not count.n:
        return None
    rows = list(unread(user).only("id", "title", "posted_as", "created_at", "author__full_name")[: BANNER_MAX + 1])
    if not rows:
        return None
    return {"announcements": rows[:BANNER_MAX], "more": len(rows) > BANNER_MAX}


def receipts(user, announcement: Announcement):
    """The read receipts of an announcement, for those who may see them (its poster), else none."""
    if not permitted(Announcement.objects.filter(pk=announcement.pk), user, "receipts").exists():
        return AnnouncementRead.objects.none()
    return (
        visible(AnnouncementRead, user)
        .filter(announcement_id=announcement.pk)
        .select_related("user")
        .order_by("read_at", "id")
    )


def announcement_actions(user, announcement: Announcement) -> set[str]:
    """What the person may do with the announcement now (the rules the services check)."""
    one = Announcement.objects.filter(pk=announcement.pk)
    actions = set()
    if manageable(one, user).exists():
        actions |= {"edit", "remove", "receipts", "request_extension"}
    if permitted(one, user, "extend").exists():
        actions.add("extend")
        if announcement.extension_requested_at:
            actions.add("decline_extension")
    if visible(one, user).exists() and announcement.author_id != user.pk:
        actions.add("mark_read")
    return actions


def boards(user):
    """The boards the person sees, each with ``is_member``, ``can_post`` and ``can_manage``."""
    can_post = permitted(Board, user, "post").filter(pk=OuterRef("pk"))
    can_manage = manageable(Board, user).filter(pk=OuterRef("pk"))
    is_member = BoardMember.objects.filter(board_id=OuterRef("pk"), user_id=user.pk)
    return (
        visible(Board, user)
        .select_related("agency")
        .annotate(can_post=Exists(can_post), can_manage=Exists(can_manage), is_member=Exists(is_member))
        .order_by("agency_id", "id")
    )


def posts(user, board: Board):
    return visible(Post, user).filter(board_id=board.pk).select_related("author").order_by("-created_at", "-id")


def board_members(user, board: Board):
    return visible(BoardMember, user).filter(board_id=board.pk).select_related("user").order_by("user__full_name")


def reads_posts(user, board: Board) -> bool:
    return permitted(Board.objects.filter(pk=board.pk), user, "post").exists()


def extension_requests(user):
    """Announcements waiting for the administrator's decision on an extension."""
    return (
        permitted(Announcement, user, "extend")
        .filter(extension_requested_at__isnull=False)
        .select_related("author")
        .order_by("extension_requested_at", "id")
    )
