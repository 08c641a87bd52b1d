"""One row per stored file that goes through the digitization pipeline (see :mod:`vpdt.digitize.services`)."""

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    QUEUED = "queued", "Đang chờ số hóa"
    RUNNING = "running", "Đang số hóa"
    DONE = "done", "Đã số hóa"
    SKIPPED = "skipped", "Không cần nhận dạng chữ"
    FAILED = "failed", "Số hóa không thành công"


class Method(models.TextChoices):
    NONE = "", "Chưa xác định"
    OCR = "ocr", "Nhận dạng chữ (OCR)"
    TEXT = "text", "Trích lớp chữ có sẵn"
    CONVERT = "convert", "Chuyển sang PDF để xem"


class ArchiveStatus(models.TextChoices):
    """The searchable PDF/A copy of a scan, built in the background once its text is read."""

    NONE = "", "Không tạo"
    QUEUED = "queued", "Đang chờ tạo bản PDF/A lưu trữ"
    RUNNING = "running", "Đang tạo bản PDF/A lưu trữ"
    DONE = "done", "Đã tạo bản PDF/A lưu trữ"
    FAILED = "failed", "Chưa tạo được bản PDF/A lưu trữ"


class Digitization(models.Model):
    file = models.OneToOneField(
        "storage.StoredFile", on_delete=models.PROTECT, related_name="digitization", verbose_name="tệp gốc"
    )
    # The owner that asked for it (a small generic link, e.g. "incoming.attachment" + id). Every incoming
    # document attaching the file gets the text, whoever asked first.
    owner_type = models.CharField("loại đối tượng", max_length=60, blank=True)
    owner_id = models.PositiveBigIntegerField("mã đối tượng", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.QUEUED)
    method = models.CharField("cách xử lý", max_length=10, choices=Method.choices, blank=True, default="")
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    pages = models.PositiveIntegerField("số trang", null=True, blank=True)
    message = models.CharField("thông điệp của bộ nhận dạng", max_length=500, blank=True)
    reason = models.CharField("lý do không nhận dạng", max_length=300, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    text = models.TextField("văn bản trích được", blank=True)
    archive = models.ForeignKey(
        "storage.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bản PDF lưu trữ có lớp chữ",
    )
    pdfa = models.BooleanField("đạt PDF/A", default=False)
    # The words the OCR hesitated on ({"word", "alt", "before", "after"}): the prefill flags the fields holding them.
    doubts = models.JSONField("chữ đọc chưa chắc chắn", default=list, blank=True)
    archive_status = models.CharField(
        "bản PDF/A lưu trữ", max_length=10, choices=ArchiveStatus.choices, blank=True, default=""
    )
    archive_error = models.CharField("lỗi tạo bản PDF/A", max_length=500, blank=True)
    archive_attempts = models.PositiveSmallIntegerField("số lần tạo bản PDF/A", default=0)
    archive_queued_at = models.DateTimeField("chờ tạo bản PDF/A từ", null=True, blank=True)
    # The page layouts (hOCR, zlib-compressed JSON) read with the text, until the archive copy is built from them.
    layers = models.BinaryField("bố cục trang đã đọc", null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField("vào hàng đợi lúc", null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lần số hóa"
        verbose_name_plural = "số hóa văn bản"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["archive_status", "archive_queued_at"], name="digitize_archive_queue"),
        ]

    def __str__(self) -> str:
        return f"Số hóa “{self.file.original_name}”"

    @property
    def agency_id(self) -> int | None:
        """The agency of the file (journal entries of the transitions are filed under it)."""
        return self.file.agency_id

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.SKIPPED, Status.FAILED)

    @property
    def done(self) -> bool:
        return self.status == Status.DONE

    @property
    def skipped(self) -> bool:
        return self.status == Status.SKIPPED

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED

    @property
    def archiving(self) -> bool:
        """The text is there; the PDF/A archive copy is still being built."""
        return self.archive_status in (ArchiveStatus.QUEUED, ArchiveStatus.RUNNING)

    @property
    def converted(self) -> bool:
        """Converted to PDF for viewing (DOCX, ODT), not recognised."""
        return self.method == Method.CONVERT

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return None
