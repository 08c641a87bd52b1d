"""A person's notifications and the channels they chose for each topic (see :mod:`.services`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One notice to one person. The stored row is what the in-app channel shows; other channels (e-mail…) send
    a copy of it."""

    # Looked up by person through the two indexes below (both lead with the person): no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="người nhận",
        db_index=False,
    )
    verb = models.CharField(
        "loại",
        max_length=60,
        blank=True,
        help_text="Việc đã xảy ra, ví dụ outgoing.review_requested (trống: thông báo cũ).",
    )
    topic = models.CharField("nhóm", max_length=20, blank=True)
    text = models.CharField("nội dung", max_length=500)
    body = models.TextField("chi tiết", blank=True)
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    target_type = models.CharField("loại đối tượng", max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField("mã đối tượng", null=True, blank=True)
    created_at = models.DateTimeField("lúc", default=timezone.now)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        indexes = [
            models.Index(fields=["user", "read_at", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["user", "-id"], name="notification_user_idx"),  # the whole list, newest first
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """A person's choice for one channel of one topic; without a row the topic's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name="người dùng",
    )
    topic = models.CharField("nhóm", max_length=20)
    channel = models.CharField("kênh", max_length=20)
    enabled = models.BooleanField("nhận")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cách nhận thông báo"
        verbose_name_plural = "cách nhận thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "topic", "channel"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic}/{self.channel}: {'bật' if self.enabled else 'tắt'}"


class PushSubscription(models.Model):
    """A browser or phone of a person that receives web push notifications (see :mod:`.push`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name="người dùng",
    )
    endpoint = models.CharField("địa chỉ dịch vụ đẩy", max_length=1000, unique=True)
    p256dh = models.CharField("khóa công khai của thiết bị", max_length=100)
    auth = models.CharField("khóa xác thực của thiết bị", max_length=40)
    device = models.CharField("thiết bị", max_length=100, blank=True)
    created_at = models.DateTimeField("đăng ký lúc", default=timezone.now)
    last_sent_at = models.DateTimeField("gửi gần nhất", null=True, blank=True)
    failures = models.PositiveIntegerField("số lần gửi lỗi liên tiếp", default=0)

    class Meta:
        verbose_name = "thiết bị nhận thông báo đẩy"
        verbose_name_plural = "thiết bị nhận thông báo đẩy"

    def __str__(self) -> str:
        return self.device or self.endpoint[:60]
