"""The search index: one row per incoming document, outgoing document or dossier.

The full-text part lives in the database engine: an FTS5 table on SQLite, GIN indexes on PostgreSQL
(see the migrations and :mod:`vpdt.search.backends`).
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    INCOMING = "incoming", "Văn bản đến"
    OUTGOING = "outgoing", "Văn bản đi"
    DOSSIER = "dossier", "Hồ sơ công việc"
    # The issued part of an outgoing document, for those who see it but not its drafting record (internal
    # recipients): published metadata and the text of the issued files only.
    PUBLISHED = "published", "Văn bản đi (đã phát hành)"


# What users filter by; "outgoing" covers both parts of an outgoing document.
USER_KINDS = [
    (Kind.INCOMING, Kind.INCOMING.label),
    (Kind.OUTGOING, Kind.OUTGOING.label),
    (Kind.DOSSIER, Kind.DOSSIER.label),
]
KIND_GROUPS = {Kind.OUTGOING: (Kind.OUTGOING, Kind.PUBLISHED)}


class SearchEntry(models.Model):
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField("mã đối tượng")
    agency = models.ForeignKey("directory.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="cơ quan")
    doc_type = models.ForeignKey(
        "catalog.DocumentType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="loại văn bản",
    )
    number = models.CharField("số, ký hiệu", max_length=100, blank=True)
    number_key = models.CharField("khóa số, ký hiệu", max_length=100, blank=True)
    title = models.CharField("trích yếu / tiêu đề", max_length=500)
    issuer = models.CharField("cơ quan ban hành", max_length=300, blank=True)
    issuer_key = models.CharField(max_length=300, blank=True)  # folded issuer name and code
    doc_date = models.DateField("ngày")
    urgency = models.IntegerField("độ khẩn", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, blank=True)
    status_label = models.CharField(max_length=100, blank=True)
    body = models.TextField("nội dung (nguyên văn)", blank=True)  # for snippets, never listed
    exact_text = models.TextField(blank=True)  # lowercased body, diacritics kept
    folded = models.TextField(blank=True)  # folded tokens (full-text engines)
    extra_text = models.TextField("văn bản bổ sung (OCR)", blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mục chỉ mục tìm kiếm"
        verbose_name_plural = "chỉ mục tìm kiếm"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_object")]
        indexes = [
            models.Index(fields=["agency", "-doc_date", "-id"]),
            models.Index(fields=["kind", "-doc_date", "-id"]),
            models.Index(fields=["number_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.number or self.title[:60]}"


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches", verbose_name="người dùng"
    )
    name = models.CharField("tên", max_length=100)
    query = models.CharField("điều kiện tìm kiếm", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tìm kiếm đã lưu"
        verbose_name_plural = "tìm kiếm đã lưu"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_name")]

    def __str__(self) -> str:
        return self.name
