"""SMS: who may send (:class:`SmsGrant`), each person's mobile number and opt-outs, and every message with its
delivery status (:class:`SmsMessage`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SmsGrant(models.Model):
    """The right to send SMS messages, given by an administrator of the agency to one of its people. Revoked
    grants are kept (who revoked, when, why): at most one grant of a person in an agency is in force."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sms_grants", verbose_name="người được gửi"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người cấp quyền"
    )
    granted_at = models.DateTimeField("cấp lúc", default=timezone.now)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="người thu hồi",
    )
    revoke_reason = models.CharField("lý do thu hồi", max_length=300, blank=True)

    class Meta:
        verbose_name = "quyền gửi tin nhắn SMS"
        verbose_name_plural = "quyền gửi tin nhắn SMS"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"], condition=Q(revoked_at__isnull=True), name="sms_grant_one_in_force"
            )
        ]

    def __str__(self) -> str:
        return f"Quyền gửi SMS của {self.user.full_name or self.user.username}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None


class SmsProfile(models.Model):
    """A person's own mobile number for SMS (else the account's telephone, when it is a mobile number)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_profile", verbose_name="người dùng"
    )
    mobile = models.CharField("số điện thoại di động", max_length=15, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "số điện thoại nhận SMS"
        verbose_name_plural = "số điện thoại nhận SMS"

    def __str__(self) -> str:
        return f"Số nhận SMS của {self.user_id}"


class SmsOptOut(models.Model):
    """A person does not want SMS messages of one type."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_opt_outs", verbose_name="người dùng"
    )
    kind = models.CharField("loại tin nhắn", max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "loại tin nhắn SMS không nhận"
        verbose_name_plural = "loại tin nhắn SMS không nhận"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="sms_opt_out_unique")]

    def __str__(self) -> str:
        return self.kind


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Lỗi")
    DELIVERED = "delivered", _("Đã nhận")


class SmsMessage(models.Model):
    """One text message to one person: what pending item it is about, its text (without diacritics) and what the
    gateway did with it. ``SENT`` only once the gateway accepted it; ``DELIVERED`` when the gateway reported it
    reached the telephone."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sms_sent",
        null=True,
        blank=True,
        verbose_name="người gửi",
        help_text="Trống: tin nhắn do hệ thống gửi (thông báo, nhắc hạn).",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sms_received", verbose_name="người nhận"
    )
    phone = models.CharField("số điện thoại", max_length=15)
    kind = models.CharField("loại tin nhắn", max_length=40)
    subject_type = models.CharField("loại việc", max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField("mã việc", null=True, blank=True)
    subject_url = models.CharField("đường dẫn", max_length=300, blank=True)
    notification_id = models.PositiveBigIntegerField("mã thông báo", null=True, blank=True)
    text = models.CharField("nội dung", max_length=480)
    status = models.CharField("trạng thái", max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    error = models.CharField("lỗi", max_length=300, blank=True)
    gateway_ref = models.CharField("mã tin của cổng SMS", max_length=100, blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    delivered_at = models.DateTimeField("nhận lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tin nhắn SMS"
        verbose_name_plural = "tin nhắn SMS"
        indexes = [
            models.Index(fields=["sender", "created_at"], name="sms_sender_rate_idx"),
            models.Index(fields=["recipient", "-id"], name="sms_recipient_idx"),
            models.Index(fields=["agency", "-id"], name="sms_agency_idx"),
            models.Index(fields=["gateway_ref"], name="sms_gateway_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"Tin nhắn SMS số {self.pk} gửi {self.recipient.full_name or self.recipient.username}"
