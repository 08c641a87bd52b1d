"""Stored files: every file goes through Django storages and carries its SHA-256."""

from django.conf import settings
from django.db import models


class StoredFile(models.Model):
    name = models.CharField("đường dẫn lưu trữ", max_length=500, unique=True)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("kiểu nội dung", max_length=100, blank=True)
    size = models.BigIntegerField("kích thước (byte)")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    agency = models.ForeignKey("directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField("kiểm tra toàn vẹn lần cuối", null=True, blank=True)
    verified_ok = models.BooleanField(null=True)

    class Meta:
        verbose_name = "tệp lưu trữ"
        verbose_name_plural = "tệp lưu trữ"

    def __str__(self) -> str:
        return self.original_name
