"""Announcements and boards (thông báo, bảng tin; SPEC §5).

* :class:`Announcement` — a notice of the agency's leaders, its Party committee, the leaders of its mass
  organisations or a unit leader, to the whole agency or to chosen units (:class:`AnnouncementUnit`). It shows as a
  banner on every page until the person marks it read (:class:`AnnouncementRead`, the read receipts). It is kept
  until ``expires_at`` (one quarter by default); its poster may ask the agency's administrator to keep it longer.
* :class:`Board` — the agency's boards: the public board (công cộng), where anyone of the agency posts, and the
  group boards of the Party cell (chi bộ), the trade union (công đoàn) and the youth union (chi đoàn), where only
  their members (:class:`BoardMember`) post and read.
* :class:`Post` — an item on a board.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BoardKind(models.TextChoices):
    PUBLIC = "public", _("Công cộng")
    PARTY = "party", _("Chi bộ")
    UNION = "union", _("Công đoàn")
    YOUTH = "youth", _("Chi đoàn")


GROUP_KINDS = (BoardKind.PARTY, BoardKind.UNION, BoardKind.YOUTH)


class Board(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.CASCADE, related_name="boards", verbose_name="cơ quan"
    )
    kind = models.CharField("loại bảng tin", max_length=10, choices=BoardKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bảng tin"
        verbose_name_plural = "bảng tin"
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="board_kind_per_agency")]

    def __str__(self) -> str:
        return f"Bảng tin {self.get_kind_display().lower()}"

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS


class BoardMember(models.Model):
    """A member of a group board. Managers (named by the agency's administrator) keep the membership; a member
    with ``may_announce`` (the Party committee, the union's or the youth union's executive) posts announcements."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members", verbose_name="bảng tin")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_memberships", verbose_name="thành viên"
    )
    is_manager = models.BooleanField("quản lý thành viên", default=False)
    may_announce = models.BooleanField("được đăng thông báo", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thành viên bảng tin"
        verbose_name_plural = "thành viên bảng tin"
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="board_member_once")]
        indexes = [models.Index(fields=["user", "board"])]

    def __str__(self) -> str:
        return f"{self.user.full_name} — {self.board}"


class Post(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="posts", verbose_name="bảng tin")
    agency = models.ForeignKey("directory.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="cơ quan")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_posts", verbose_name="người đăng"
    )
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", max_length=10000)
    created_at = models.DateTimeField("thời điểm đăng", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tin đăng"
        verbose_name_plural = "tin đăng"
        indexes = [models.Index(fields=["board", "-id"])]

    def __str__(self) -> str:
        return self.title[:100]


class Announcement(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.CASCADE, related_name="announcements", verbose_name="cơ quan"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="announcements", verbose_name="người đăng"
    )
    posted_as = models.CharField("đăng với tư cách", max_length=200)
    title = models.CharField("tiêu đề", max_length=300)
    body = models.TextField("nội dung", max_length=10000)
    whole_agency = models.BooleanField("gửi toàn cơ quan", default=True)
    created_at = models.DateTimeField("thời điểm đăng", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField("lưu đến")
    extension_until = models.DateField("đề nghị gia hạn đến", null=True, blank=True)
    extension_reason = models.CharField("lý do đề nghị gia hạn", max_length=500, blank=True)
    extension_requested_at = models.DateTimeField("thời điểm đề nghị gia hạn", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [models.Index(fields=["agency", "-id"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.title[:100]


class AnnouncementUnit(models.Model):
    """A unit an announcement is addressed to (when not to the whole agency)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="audience")
    unit = models.ForeignKey("directory.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị")

    class Meta:
        verbose_name = "đơn vị nhận thông báo"
        verbose_name_plural = "đơn vị nhận thông báo"
        constraints = [models.UniqueConstraint(fields=["announcement", "unit"], name="announcement_unit_once")]
        indexes = [models.Index(fields=["unit", "announcement"])]


class AnnouncementRead(models.Model):
    """A read receipt: who marked the announcement read, and when."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("thời điểm đọc", auto_now_add=True)

    class Meta:
        verbose_name = "xác nhận đã đọc"
        verbose_name_plural = "xác nhận đã đọc"
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]
        indexes = [models.Index(fields=["user", "announcement"])]
