"""Work dossiers (hồ sơ công việc), ND30 Điều 28–30, Phụ lục V; SPEC §5 (Work dossier fields) and §8.

* :class:`FileList` — the agency's yearly file list (danh mục hồ sơ).
* :class:`Dossier` — one dossier of that list, with the ND30 fields. The derivable ones (file code,
  start/end date, document and page totals) are filled by :mod:`vpdt.dossiers.services`.
* :class:`DossierItem` — a completed document filed into a dossier. Items are never deleted: an
  administrator may withdraw one with a reason, which is journaled and kept.
"""

from django.conf import settings
from django.db import models


class FileList(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="file_lists", verbose_name="cơ quan"
    )
    year = models.PositiveIntegerField("năm")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "danh mục hồ sơ"
        verbose_name_plural = "danh mục hồ sơ"
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="file_list_agency_year")]

    def __str__(self) -> str:
        return f"Danh mục hồ sơ năm {self.year}"


class Maintenance(models.TextChoices):
    """Thời hạn bảo quản (Thông tư 10/2022/TT-BNV)."""

    PERMANENT = "permanent", "Vĩnh viễn"
    Y70 = "70", "70 năm"
    Y50 = "50", "50 năm"
    Y30 = "30", "30 năm"
    Y20 = "20", "20 năm"
    Y10 = "10", "10 năm"
    Y5 = "5", "05 năm"
    Y2 = "2", "02 năm"


class Rights(models.TextChoices):
    """Chế độ sử dụng."""

    OPEN = "open", "Sử dụng rộng rãi"
    RESTRICTED = "restricted", "Hạn chế sử dụng"


class DossierStatus(models.TextChoices):
    OPEN = "open", "Đang lập"
    CLOSED = "closed", "Đã kết thúc"
    ARCHIVED = "archived", "Đã nộp lưu"


class Dossier(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="dossiers", verbose_name="cơ quan"
    )
    file_list = models.ForeignKey(
        FileList, on_delete=models.PROTECT, related_name="dossiers", verbose_name="danh mục hồ sơ"
    )
    ordinal = models.PositiveIntegerField("số thứ tự trong danh mục")
    file_code = models.CharField("số và ký hiệu hồ sơ", max_length=50)
    title = models.CharField("tiêu đề hồ sơ", max_length=500)
    maintenance = models.CharField(
        "thời hạn bảo quản", max_length=10, choices=Maintenance.choices, default=Maintenance.Y10
    )
    rights = models.CharField("chế độ sử dụng", max_length=12, choices=Rights.choices, default=Rights.OPEN)
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị lập hồ sơ",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers", verbose_name="người lập hồ sơ"
    )
    language = models.CharField("ngôn ngữ", max_length=50, default="Tiếng Việt")
    start_date = models.DateField("ngày bắt đầu", null=True, blank=True)
    end_date = models.DateField("ngày kết thúc", null=True, blank=True)
    doc_total = models.PositiveIntegerField("tổng số văn bản", default=0)
    page_total = models.PositiveIntegerField("tổng số trang", default=0)
    description = models.TextField("chú giải", max_length=2000, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=DossierStatus.choices, default=DossierStatus.OPEN)
    closed_at = models.DateTimeField("thời điểm kết thúc", null=True, blank=True)
    archived_at = models.DateTimeField("thời điểm nộp lưu", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ công việc"
        verbose_name_plural = "hồ sơ công việc"
        constraints = [
            models.UniqueConstraint(fields=["file_list", "ordinal"], name="dossier_ordinal"),
            models.UniqueConstraint(fields=["file_list", "file_code"], name="dossier_file_code"),
        ]
        indexes = [
            models.Index(fields=["agency", "file_list", "-id"]),
            models.Index(fields=["owner", "status", "-id"]),
            models.Index(fields=["unit", "status", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.file_code} — {self.title[:80]}"

    @property
    def creator(self) -> str:
        """ND30 Creator: the unit (or person) that made the dossier."""
        return self.unit.name if self.unit_id else self.owner.full_name


class DossierItem(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="items", verbose_name="hồ sơ")
    incoming = models.ForeignKey(
        "incoming.IncomingDocument", on_delete=models.PROTECT, related_name="dossier_items", verbose_name="văn bản đến"
    )
    doc_date = models.DateField("ngày văn bản")
    page_amount = models.PositiveIntegerField("số trang", default=0)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người đưa vào hồ sơ"
    )
    filed_at = models.DateTimeField("thời điểm đưa vào", auto_now_add=True)
    removed_at = models.DateTimeField("thời điểm rút khỏi hồ sơ", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người rút",
    )
    removal_reason = models.TextField("lý do rút", blank=True)

    class Meta:
        verbose_name = "văn bản trong hồ sơ"
        verbose_name_plural = "văn bản trong hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "incoming"], condition=models.Q(removed_at__isnull=True), name="dossier_item_once"
            ),
        ]
        indexes = [models.Index(fields=["dossier", "doc_date", "id"])]

    def __str__(self) -> str:
        return f"{self.dossier.file_code}: {self.incoming}"
