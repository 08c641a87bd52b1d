"""Incoming documents (văn bản đến), ND30 Điều 20–24 and Phụ lục VI (SPEC §2, §7)."""

from django.conf import settings
from django.db import models

from vpdt.catalog.models import Urgency


class Register(models.Model):
    """Sổ đăng ký văn bản đến. Số đến runs from 1 per register and calendar year."""

    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="incoming_registers", verbose_name="cơ quan"
    )
    name = models.CharField("tên sổ", max_length=200)
    code = models.CharField("mã sổ", max_length=20)
    is_default = models.BooleanField("sổ mặc định", default=False)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "sổ văn bản đến"
        verbose_name_plural = "sổ văn bản đến"
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="incoming_register_code")]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    PAPER = "paper", "Văn bản giấy"
    ELECTRONIC = "electronic", "Văn bản điện tử"


class DocStatus(models.TextChoices):
    REGISTERED = "registered", "Đã vào sổ"
    SUBMITTED = "submitted", "Chờ lãnh đạo cho ý kiến"
    DIRECTED = "directed", "Đã có ý kiến chỉ đạo"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    COMPLETED = "completed", "Đã hoàn thành"
    WITHDRAWN = "withdrawn", "Đã thu hồi (theo yêu cầu nơi gửi)"


class IncomingDocument(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="incoming_documents", verbose_name="cơ quan nhận"
    )
    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="documents", verbose_name="sổ")
    year = models.PositiveIntegerField("năm")
    arrival_number = models.PositiveIntegerField("số đến")
    arrival_date = models.DateTimeField("ngày đến")
    source = models.CharField("hình thức", max_length=12, choices=Source.choices, default=Source.PAPER)

    # ND30 Phụ lục VI, incoming fields 1–11 and 14–18.
    issuer_name = models.CharField("cơ quan ban hành", max_length=200)
    issuer_code = models.CharField("mã định danh cơ quan ban hành", max_length=40, blank=True)
    code_number = models.CharField("số", max_length=11, blank=True)
    code_notation = models.CharField("ký hiệu", max_length=30, blank=True)
    issued_date = models.DateField("ngày văn bản")
    doc_type = models.ForeignKey(
        "catalog.DocumentType", on_delete=models.PROTECT, related_name="+", verbose_name="loại văn bản"
    )
    subject = models.CharField("trích yếu", max_length=500)
    language = models.CharField("ngôn ngữ", max_length=20, default="Tiếng Việt")
    page_amount = models.PositiveIntegerField("số trang", null=True, blank=True)
    description = models.CharField("ghi chú", max_length=500, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    urgency = models.IntegerField("độ khẩn", choices=Urgency.choices, default=Urgency.NORMAL)
    to_places = models.CharField("nơi nhận", max_length=1000, blank=True)
    due_date = models.DateField("hạn xử lý theo văn bản", null=True, blank=True)

    field = models.ForeignKey(
        "catalog.Field", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="lĩnh vực"
    )
    needs_reply = models.BooleanField("cần phúc đáp", default=False)
    reply_due = models.DateField("hạn phúc đáp", null=True, blank=True)

    status = models.CharField("trạng thái", max_length=20, choices=DocStatus.choices, default=DocStatus.REGISTERED)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="lãnh đạo cho ý kiến",
    )
    submitted_at = models.DateTimeField("thời điểm trình", null=True, blank=True)
    direction = models.TextField("ý kiến chỉ đạo", blank=True)
    directed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người chỉ đạo",
    )
    directed_at = models.DateTimeField("thời điểm chỉ đạo", null=True, blank=True)
    deadline = models.DateField("thời hạn giải quyết", null=True, blank=True)
    completed_at = models.DateTimeField("thời điểm hoàn thành", null=True, blank=True)
    withdrawn_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name="được thay thế bởi",
    )
    answers_outgoing = models.ForeignKey(
        "outgoing.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name="trả lời văn bản đi",
    )

    duplicate_key = models.CharField(max_length=300, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="văn thư vào sổ"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản đến"
        verbose_name_plural = "văn bản đến"
        constraints = [
            models.UniqueConstraint(fields=["register", "year", "arrival_number"], name="incoming_arrival_number"),
        ]
        indexes = [
            models.Index(fields=["agency", "-id"], name="incoming_agency_id_idx"),  # the register, newest first
            # the agency's open documents by deadline (the leader's "quá hạn")
            models.Index(
                fields=["agency", "deadline", "id"],
                name="incoming_open_deadline_idx",
                condition=~models.Q(status="completed"),
            ),
            models.Index(fields=["agency", "-arrival_date", "-id"]),
            models.Index(fields=["register", "year", "-arrival_number"]),
            models.Index(fields=["agency", "status", "-id"]),
            models.Index(fields=["leader", "status", "-id"]),
            # a leader's newest documents (authz.NewestIds reads each visibility branch's newest ids)
            models.Index(fields=["leader", "-id"], name="incoming_leader_id_idx"),
        ]

    def __str__(self) -> str:
        return f"Số đến {self.arrival_number}/{self.year}: {self.number_symbol or self.subject[:60]}"

    @property
    def is_withdrawn(self) -> bool:
        """Recalled by its sender and the recall confirmed here: the register entry stays, the content is gone."""
        return self.status == DocStatus.WITHDRAWN

    @property
    def number_symbol(self) -> str:
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_number or self.code_notation


class Attachment(models.Model):
    document = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="attachments")
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "tệp đính kèm văn bản đến"
        verbose_name_plural = "tệp đính kèm văn bản đến"
        ordering = ["order", "id"]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Xử lý chính"
    COOPERATE = "cooperate", "Phối hợp"
    INFORM = "inform", "Để biết"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "Chờ xử lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã xong"
    RETURNED = "returned", "Đã trả lại"
    REASSIGNED = "reassigned", "Đã chuyển người khác"


class Assignment(models.Model):
    """One addressee of a direction (unit or person), or one staff member assigned within a unit."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_assignments",
        verbose_name="cán bộ",
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    deadline = models.DateField("hạn xử lý", null=True, blank=True)
    opinion = models.TextField("ý kiến giao việc", blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "trạng thái", max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    result = models.TextField("kết quả", blank=True)
    reason = models.TextField("lý do trả lại, chuyển người khác", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_on = models.DateField("ngày nhắc hạn gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, user__isnull=True) | models.Q(unit__isnull=True, user__isnull=False)
                ),
                name="assignment_unit_xor_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status", "-id"]),
            models.Index(fields=["unit", "status", "-id"]),
            models.Index(fields=["user", "-document"], name="incoming_asg_user_doc_idx"),
            models.Index(fields=["unit", "-document"], name="incoming_asg_unit_doc_idx"),
            # a unit's open assignments, newest first (the unit leader's queue)
            models.Index(
                fields=["unit", "-id"],
                name="incoming_asg_unit_open_idx",
                condition=models.Q(status__in=["pending", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user or self.unit}"


class NoteKind(models.TextChoices):
    PROGRESS = "progress", "Tiến độ"
    PROPOSAL = "proposal", "Ý kiến đề xuất"
    RESULT = "result", "Kết quả"


class ProcessingNote(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField("loại", max_length=10, choices=NoteKind.choices)
    text = models.TextField("nội dung")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến xử lý"
        verbose_name_plural = "ý kiến xử lý"
        ordering = ["created_at", "id"]


class ReplyStatus(models.TextChoices):
    DRAFT_REQUESTED = "draft_requested", "Đã yêu cầu dự thảo văn bản trả lời"
    LINKED = "linked", "Đã gắn văn bản đi"


class ReplyRecord(models.Model):
    """Văn bản trả lời (phúc đáp) of an incoming document: the seam to the outgoing capability.

    ``request_reply`` creates it; the outgoing side fills ``outgoing_reference`` (số, ký hiệu of the
    outgoing document or its draft) through ``services.link_reply``.
    """

    document = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="replies")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người yêu cầu"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField("trích yếu văn bản trả lời", max_length=500, blank=True)
    outgoing_reference = models.CharField("số, ký hiệu văn bản trả lời", max_length=100, blank=True)
    outgoing = models.ForeignKey(
        "outgoing.OutgoingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_records",
        verbose_name="văn bản đi trả lời",
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT_REQUESTED
    )

    class Meta:
        verbose_name = "văn bản trả lời"
        verbose_name_plural = "văn bản trả lời"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.outgoing_reference or self.subject or f"Trả lời văn bản đến {self.document_id}"
