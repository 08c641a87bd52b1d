"""The published weekly calendar (lịch công tác tuần phát hành) and calendar feeds (iCalendar).

* :class:`PublishedWeek` — one publication of an agency's weekly calendar by its office: who, when, which version
  (re-publishing after changes makes the next one). ``snapshot`` holds what was published (the approved entries of
  the week as printed: days, morning and afternoon), so the printed copy, the spreadsheet and the agency's portal
  show what was published, not what the calendar holds today.
* :class:`FeedToken` — a person's secret address of a calendar feed: their own entries, or one unit's. Only the
  SHA-256 of the token is stored; it is shown once, when made. Revoked tokens are kept.

These models belong to :mod:`.models` (imported there).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class PublishedWeek(models.Model):
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    monday = models.DateField("tuần bắt đầu ngày")
    version = models.PositiveSmallIntegerField("lần phát hành")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người phát hành"
    )
    published_at = models.DateTimeField("phát hành lúc")
    snapshot = models.JSONField("nội dung đã phát hành", default=dict)
    entry_count = models.PositiveSmallIntegerField("số lịch", default=0)
    public_count = models.PositiveSmallIntegerField("số lịch công khai", default=0)

    class Meta:
        verbose_name = "lịch tuần đã phát hành"
        verbose_name_plural = "lịch tuần đã phát hành"
        constraints = [
            models.UniqueConstraint(fields=["agency", "monday", "version"], name="calendar_week_version_once")
        ]
        indexes = [models.Index(fields=["agency", "monday", "-version"], name="calendar_week_latest")]

    def __str__(self) -> str:
        return f"Lịch công tác tuần {self.monday:%d/%m/%Y} (lần {self.version})"


class FeedToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người sở hữu"
    )
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="đơn vị"
    )
    token_hash = models.CharField("mã băm SHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    last_used_at = models.DateTimeField("dùng lần cuối lúc", null=True, blank=True)

    class Meta:
        verbose_name = "địa chỉ đồng bộ lịch"
        verbose_name_plural = "địa chỉ đồng bộ lịch"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(unit__isnull=True, revoked_at__isnull=True),
                name="calendar_feed_one_personal",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=Q(unit__isnull=False, revoked_at__isnull=True),
                name="calendar_feed_one_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"Địa chỉ đồng bộ lịch của {self.user.full_name}"
