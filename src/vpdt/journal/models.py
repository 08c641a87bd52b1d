"""The append-only journal of business and security events, sealed in a keyed chain (see :mod:`.services`)."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")


class JournalEntry(models.Model):
    seq = models.BigIntegerField("số thứ tự", unique=True)
    created_at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
        db_constraint=False,
    )
    actor_repr = models.CharField("người thực hiện", max_length=200, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="thay mặt",
        db_constraint=False,
    )
    on_behalf_of_repr = models.CharField("thay mặt", max_length=200, blank=True)
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan",
        db_constraint=False,
    )
    action = models.CharField("hành động", max_length=60)
    object_type = models.CharField("loại đối tượng", max_length=60, blank=True)
    object_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    key_id = models.CharField("khóa niêm phong", max_length=16, blank=True, default="")
    hash = models.CharField(max_length=64)  # the seal: HMAC-SHA256 of every other column (see .chain)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký"
        indexes = [
            models.Index(fields=["agency", "-seq"]),
            models.Index(fields=["actor", "-seq"]),
            models.Index(fields=["action", "-seq"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký chỉ được ghi thêm, không được xóa.")


class JournalHead(models.Model):
    """One row: the last sequence number and hash. Locked while an entry is appended."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"
