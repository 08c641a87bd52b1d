"""The work calendar and meetings (lịch công tác, lịch họp; SPEC §5).

* Calendars: one for the agency (kept by its office, Văn phòng), one per unit and one per leader of the agency. A
  calendar is not a row: it is named by its kind and its unit or leader (:class:`CalendarKind`, see
  :mod:`.calendars`), so every unit and every leader has one from the start.
* :class:`Entry` — one entry (a meeting, a working visit, a conference) of one calendar, on one day: time, content,
  place or :class:`Room`, exactly one chair (chủ trì), participants (:class:`Participant`: people or units, who
  attend, prepare or write the conclusions), linked documents (:class:`EntryLink`), a video link. It waits for
  approval (chờ duyệt) by whoever keeps the calendar, then is approved, refused or cancelled (:mod:`.lifecycle`).
  ``is_public`` marks what may be published on the agency's portal (công khai trên cổng thông tin).
* :class:`Series` — a recurrence (daily, on working days, weekly; until a date or N times): its occurrences are
  stored as entries, so week views and clashes are plain SQL.
* :class:`CalendarGrant` — the right to keep (quản lý lịch) the agency's calendars, one unit's or one leader's,
  given by the agency's administrator or leader.
* :class:`ReminderDelivery` — per person and channel, what the notifications app did with a reminder.
* Entries are kept ``VPDT_CALENDAR_RETENTION_MONTHS`` after they end.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarKind(models.TextChoices):
    AGENCY = "agency", _("Lịch cơ quan")
    UNIT = "unit", _("Lịch đơn vị")
    LEADER = "leader", _("Lịch lãnh đạo")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REFUSED = "refused", _("Từ chối")
    CANCELLED = "cancelled", _("Đã hủy")


# Entries that hold their room and their people's time.
HOLDING = (EntryStatus.PENDING, EntryStatus.APPROVED)


class ParticipantRole(models.TextChoices):
    ATTEND = "attend", _("Tham dự")
    PREPARE = "prepare", _("Chuẩn bị")
    CONCLUDE = "conclude", _("Viết kết luận")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Hằng ngày")
    WORKDAYS = "workdays", _("Các ngày làm việc (thứ Hai đến thứ Sáu)")
    WEEKLY = "weekly", _("Hằng tuần")


class Reminder(models.IntegerChoices):
    M15 = 15, _("Trước 15 phút")
    M30 = 30, _("Trước 30 phút")
    M60 = 60, _("Trước 60 phút")


def _one_calendar() -> Q:
    return (
        Q(calendar_kind=CalendarKind.AGENCY, calendar_unit__isnull=True, calendar_leader__isnull=True)
        | Q(calendar_kind=CalendarKind.UNIT, calendar_unit__isnull=False, calendar_leader__isnull=True)
        | Q(calendar_kind=CalendarKind.LEADER, calendar_unit__isnull=True, calendar_leader__isnull=False)
    )


class Room(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    name = models.CharField("tên phòng họp", max_length=200)
    location = models.CharField("vị trí", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField("sức chứa (người)", null=True, blank=True)
    equipment = models.CharField("trang thiết bị", max_length=300, blank=True)
    is_active = models.BooleanField("đang sử dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phòng họp"
        verbose_name_plural = "phòng họp"
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="calendar_room_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class CalendarGrant(models.Model):
    """The right to keep calendars (quản lý lịch): approve, refuse and cancel their entries. ``kind`` agency: every
    calendar of the agency (the office); unit: that unit's; leader: that leader's. Revoked grants are kept."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người được giao"
    )
    calendar_kind = models.CharField("lịch", max_length=10, choices=CalendarKind.choices)
    calendar_unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị"
    )
    calendar_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="lãnh đạo",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người giao quyền"
    )
    granted_at = models.DateTimeField("giao lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thu hồi",
    )

    class Meta:
        verbose_name = "quyền quản lý lịch"
        verbose_name_plural = "quyền quản lý lịch"
        constraints = [models.CheckConstraint(condition=_one_calendar(), name="calendar_grant_one_calendar")]
        indexes = [models.Index(fields=["grantee", "revoked_at"], name="calendar_grant_grantee")]

    def __str__(self) -> str:
        return f"Quyền quản lý lịch của {self.grantee.full_name}"


class Series(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    frequency = models.CharField("lặp lại", max_length=10, choices=Frequency.choices)
    until = models.DateField("đến ngày", null=True, blank=True)
    count = models.PositiveSmallIntegerField("số lần", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lịch lặp lại"
        verbose_name_plural = "lịch lặp lại"

    def __str__(self) -> str:
        return self.get_frequency_display()


class Entry(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    calendar_kind = models.CharField("lịch", max_length=10, choices=CalendarKind.choices)
    calendar_unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="lịch của đơn vị",
    )
    calendar_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="lịch của lãnh đạo",
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries", verbose_name="chuỗi lặp"
    )
    title = models.CharField("nội dung", max_length=500)
    description = models.TextField("ghi chú", max_length=5000, blank=True)
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc")
    place = models.CharField("địa điểm", max_length=300, blank=True)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", verbose_name="phòng họp"
    )
    video_url = models.URLField("đường dẫn họp trực tuyến", max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="chủ trì"
    )
    is_public = models.BooleanField("công khai trên cổng thông tin", default=False)
    status = models.CharField("trạng thái", max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    reason = models.CharField("lý do từ chối, hủy", max_length=500, blank=True)
    remind_minutes = models.PositiveSmallIntegerField("nhắc lịch", choices=Reminder.choices, null=True, blank=True)
    remind_at = models.DateTimeField("nhắc lúc", null=True, blank=True)
    reminded_at = models.DateTimeField("đã nhắc lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người đăng ký"
    )
    created_at = models.DateTimeField("đăng ký lúc", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người duyệt",
    )
    decided_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    approved_at = models.DateTimeField("được duyệt lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lịch công tác"
        verbose_name_plural = "lịch công tác"
        constraints = [
            models.CheckConstraint(condition=_one_calendar(), name="calendar_entry_one_calendar"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="calendar_entry_ends_after"),
        ]
        indexes = [
            models.Index(fields=["agency", "starts_at"], name="calendar_entry_agency"),
            models.Index(fields=["calendar_unit", "starts_at"], name="calendar_entry_unit"),
            models.Index(fields=["calendar_leader", "starts_at"], name="calendar_entry_leader"),
            models.Index(fields=["room", "starts_at"], name="calendar_entry_room"),
            models.Index(fields=["chair", "starts_at"], name="calendar_entry_chair"),
            models.Index(fields=["status", "remind_at"], name="calendar_entry_remind"),
            models.Index(fields=["ends_at"], name="calendar_entry_ends"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING

    @property
    def where(self) -> str:
        """The place as printed: the room (and its location), or the free text."""
        if self.room_id:
            return f"{self.room.name}" + (f", {self.room.location}" if self.room.location else "")
        return self.place


class Participant(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("vai trò", max_length=10, choices=ParticipantRole.choices, default=ParticipantRole.ATTEND)

    class Meta:
        verbose_name = "thành phần"
        verbose_name_plural = "thành phần"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, unit__isnull=True) | Q(user__isnull=True, unit__isnull=False),
                name="calendar_participant_person_or_unit",
            ),
            models.UniqueConstraint(
                fields=["entry", "user", "role"], condition=Q(user__isnull=False), name="calendar_participant_person"
            ),
            models.UniqueConstraint(
                fields=["entry", "unit", "role"], condition=Q(unit__isnull=False), name="calendar_participant_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "entry"], name="calendar_participant_user"),
            models.Index(fields=["unit", "entry"], name="calendar_participant_unit_ix"),
        ]

    def __str__(self) -> str:
        return self.user.full_name if self.user_id else self.unit.name


class LinkKind(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    DOSSIER = "dossier", _("Hồ sơ")


class EntryLink(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("loại", max_length=10, choices=LinkKind.choices)
    object_id = models.PositiveBigIntegerField("mã")
    label = models.CharField("tên", max_length=300)

    class Meta:
        verbose_name = "tài liệu liên quan"
        verbose_name_plural = "tài liệu liên quan"
        ordering = ["kind", "object_id"]
        constraints = [models.UniqueConstraint(fields=["entry", "kind", "object_id"], name="calendar_link_once")]

    def __str__(self) -> str:
        return self.label


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("Đã hiện trong hệ thống")
    HANDED = "handed", _("Đã chuyển cho kênh gửi")
    SKIPPED = "skipped", _("Không gửi")


class ReminderDelivery(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("kênh", max_length=20)
    status = models.CharField("kết quả", max_length=10, choices=DeliveryStatus.choices)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    notification_id = models.PositiveBigIntegerField("mã thông báo", null=True, blank=True)

    class Meta:
        verbose_name = "kết quả gửi nhắc lịch"
        verbose_name_plural = "kết quả gửi nhắc lịch"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "user", "channel"], name="calendar_reminder_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_status_display()}"


from .published import FeedToken, PublishedWeek  # noqa: E402, F401  (the published week and feeds)
