"""Shared vocabularies of official documents: types (ND30 Phụ lục III), urgency, secrecy, fields."""

from django.db import models


class Urgency(models.IntegerChoices):
    """Độ khẩn; the values are edXML OtherInfo/Priority 0–4."""

    NORMAL = 0, "Thường"
    URGENT = 1, "Khẩn"
    VERY_URGENT = 2, "Thượng khẩn"
    FLASH = 3, "Hỏa tốc"
    FLASH_TIMED = 4, "Hỏa tốc hẹn giờ"


URGENT_LEVELS = (Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH, Urgency.FLASH_TIMED)


class Secrecy(models.TextChoices):
    """Độ mật. Only NONE may enter the system; the others belong to the paper secret registers."""

    NONE = "", "Không mật"
    SECRET = "mat", "Mật"
    TOP_SECRET = "toi_mat", "Tối mật"
    ABSOLUTE = "tuyet_mat", "Tuyệt mật"


class DocumentType(models.Model):
    """Tên loại văn bản and its abbreviation (configurable; seeded from ND30 Phụ lục III)."""

    name = models.CharField("tên loại", max_length=100, unique=True)
    abbreviation = models.CharField(
        "viết tắt", max_length=10, blank=True, help_text="Để trống cho công văn (không có chữ viết tắt tên loại)."
    )
    is_legal_normative = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    is_copy = models.BooleanField("bản sao", default=False)
    order = models.PositiveIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """Lĩnh vực (subject area) of an agency's work."""

    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.CASCADE, related_name="fields", verbose_name="cơ quan"
    )
    name = models.CharField("lĩnh vực", max_length=200)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="field_name_per_agency")]

    def __str__(self) -> str:
        return self.name
