"""Outgoing documents (văn bản đi), ND30 Điều 10–19 and Phụ lục III, VI; SPEC §3.

* :class:`OutgoingDocument` — one document from the first draft to its issue (and recall).
* :class:`Version` — every revision of the text and files; reviewers' edits are new versions.
* :class:`ReviewChain` / :class:`ChainStep` — the configurable review chain of an agency and document type.
* :class:`ReviewStep` — one step of one review round of a document, with one main handler.
* :class:`Recipient` — where the document goes: internal units and people, agencies of the deployment
  (each gets an incoming copy) and external addressees.
"""

from django.conf import settings
from django.db import models

from vpdt.catalog.models import Secrecy, Urgency


class Authority(models.TextChoices):
    """Thẩm quyền ký (ND30 Điều 13)."""

    NONE = "", "Ký trực tiếp"
    TM = "TM", "TM. (thay mặt tập thể)"
    KT = "KT", "KT. (ký thay người đứng đầu)"
    TL = "TL", "TL. (thừa lệnh)"
    TUQ = "TUQ", "TUQ. (thừa ủy quyền)"
    Q = "Q", "Q. (quyền)"


class OutStatus(models.TextChoices):
    DRAFTING = "drafting", "Đang soạn thảo"
    IN_REVIEW = "in_review", "Đang trình duyệt"
    RETURNED = "returned", "Bị trả lại để sửa"
    APPROVED = "approved", "Đã duyệt, chờ phát hành"
    ISSUED = "issued", "Đã phát hành"
    RECALLED = "recalled", "Đã thu hồi"
    CANCELLED = "cancelled", "Đã hủy"


STATUS_TONES = {
    OutStatus.ISSUED: "success",
    OutStatus.RETURNED: "warning",
    OutStatus.IN_REVIEW: "primary",
    OutStatus.APPROVED: "info",
    OutStatus.CANCELLED: "dark",
    OutStatus.RECALLED: "dark",
}


class Relation(models.TextChoices):
    NONE = "", "—"
    REPLACES = "replaces", "Thay thế văn bản"
    CORRECTS = "corrects", "Đính chính văn bản"


class OutgoingDocument(models.Model):
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="outgoing_documents", verbose_name="cơ quan ban hành"
    )
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị soạn thảo",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts", verbose_name="người soạn thảo"
    )

    # ND30 Phụ lục VI, outgoing fields.
    doc_type = models.ForeignKey(
        "catalog.DocumentType", on_delete=models.PROTECT, related_name="+", verbose_name="loại văn bản"
    )
    is_legal_normative = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    subject = models.CharField("trích yếu", max_length=500)
    field = models.ForeignKey(
        "catalog.Field", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="lĩnh vực"
    )
    urgency = models.IntegerField("độ khẩn", choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField("độ mật", max_length=10, choices=Secrecy.choices, default=Secrecy.NONE, blank=True)
    language = models.CharField("ngôn ngữ", max_length=20, default="Tiếng Việt")
    page_amount = models.PositiveIntegerField("số trang", null=True, blank=True)
    description = models.CharField("ghi chú", max_length=500, blank=True)
    to_places = models.CharField("nơi nhận (ghi trên văn bản)", max_length=1000, blank=True)
    due_date = models.DateField("hạn trả lời đề nghị", null=True, blank=True)

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người ký",
    )
    authority = models.CharField(
        "thẩm quyền ký", max_length=4, choices=Authority.choices, blank=True, default=Authority.NONE
    )
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)

    reply_to = models.ForeignKey(
        "incoming.IncomingDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies_out",
        verbose_name="trả lời văn bản đến",
    )
    related_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixes",
        verbose_name="văn bản được thay thế/đính chính",
    )
    relation = models.CharField("quan hệ", max_length=10, choices=Relation.choices, blank=True, default=Relation.NONE)

    status = models.CharField("trạng thái", max_length=12, choices=OutStatus.choices, default=OutStatus.DRAFTING)
    chain = models.ForeignKey(
        "ReviewChain", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="quy trình duyệt"
    )
    review_round = models.PositiveIntegerField("lượt trình", default=0)
    current_step = models.ForeignKey(
        "ReviewStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="bước đang xử lý"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người duyệt ký",
    )
    approved_at = models.DateTimeField("thời điểm duyệt", null=True, blank=True)

    # Numbering and issue (ND30 Điều 15–16), by the clerk.
    year = models.PositiveIntegerField("năm", null=True, blank=True)
    series = models.CharField("dãy số", max_length=40, blank=True)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    code_number = models.CharField("số (hiển thị)", max_length=11, blank=True)
    code_notation = models.CharField("ký hiệu", max_length=60, blank=True)
    issued_date = models.DateField("ngày ban hành", null=True, blank=True)
    issued_at = models.DateTimeField("thời điểm phát hành", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="văn thư phát hành",
    )
    confirmed_at = models.DateTimeField("người soạn xác nhận số, ngày", null=True, blank=True)
    recalled_at = models.DateTimeField("thời điểm thu hồi", null=True, blank=True)
    recall_reason = models.TextField("lý do thu hồi", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản đi"
        verbose_name_plural = "văn bản đi"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "number"],
                name="outgoing_number",
                condition=models.Q(number__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["drafter", "status", "-id"]),
            models.Index(fields=["agency", "-id"], name="outgoing_agency_id_idx"),  # an agency's lists, newest first
            models.Index(fields=["agency", "status", "-id"]),
            models.Index(fields=["agency", "year", "-number"]),
            models.Index(fields=["agency", "-issued_at", "-id"]),
            # a person's or a unit's newest documents (authz.NewestIds reads each visibility branch's newest ids)
            models.Index(fields=["unit", "-id"], name="outgoing_unit_id_idx"),
            models.Index(fields=["drafter", "-id"], name="outgoing_drafter_id_idx"),
        ]

    def __str__(self) -> str:
        return self.number_symbol or f"Dự thảo: {self.subject[:80]}"

    @property
    def number_symbol(self) -> str:
        return f"{self.code_number}/{self.code_notation}" if self.code_number else ""

    @property
    def is_recalled(self) -> bool:
        return self.status == OutStatus.RECALLED

    @property
    def is_returned(self) -> bool:
        return self.status == OutStatus.RETURNED

    @property
    def status_tone(self) -> str:
        """The colour of the status badge."""
        return STATUS_TONES.get(self.status, "secondary")


class Version(models.Model):
    """A revision of the draft: the text (for the visible differences) and the files."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("phiên bản")
    text = models.TextField("nội dung dự thảo", blank=True)
    note = models.CharField("ghi chú phiên bản", max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        "ReviewStep", null=True, blank=True, on_delete=models.PROTECT, related_name="edits", verbose_name="sửa tại bước"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phiên bản dự thảo"
        verbose_name_plural = "phiên bản dự thảo"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="outgoing_version_number")]

    def __str__(self) -> str:
        return f"Phiên bản {self.number}"


class FileKind(models.TextChoices):
    DRAFT = "draft", "Tệp dự thảo"
    RELATED = "related", "Tài liệu liên quan (cho người duyệt)"
    FINAL = "final", "Bản gốc phát hành"
    APPENDIX = "appendix", "Phụ lục"
    SIGNED = "signed", "Bản đã ký số của người ký (chờ phát hành)"


class OutgoingFile(models.Model):
    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="files")
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("loại tệp", max_length=10, choices=FileKind.choices, default=FileKind.DRAFT)
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the issued document (what travels to the recipients), as opposed to the drafting record: set
    # when the document is issued and when the drafter attaches the final originals.
    published = models.BooleanField("thuộc văn bản phát hành", default=False)

    class Meta:
        verbose_name = "tệp văn bản đi"
        verbose_name_plural = "tệp văn bản đi"
        ordering = ["id"]
        indexes = [models.Index(fields=["document", "published"])]

    @property
    def is_final(self) -> bool:
        return self.kind == FileKind.FINAL


class Comment(models.Model):
    """A reviewer's or drafter's comment on one version."""

    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("ý kiến")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "góp ý dự thảo"
        verbose_name_plural = "góp ý dự thảo"
        ordering = ["created_at", "id"]


class StepKind(models.TextChoices):
    UNIT_LEADER = "unit_leader", "Lãnh đạo đơn vị soạn thảo"
    USER = "user", "Người được chỉ định"
    SIGNER = "signer", "Người ký (lãnh đạo cơ quan)"


class ReviewChain(models.Model):
    """Quy trình duyệt of an agency, for one document type or (doc_type empty) for every other type."""

    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="review_chains", verbose_name="cơ quan"
    )
    doc_type = models.ForeignKey(
        "catalog.DocumentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="loại văn bản",
    )
    name = models.CharField("tên quy trình", max_length=200)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "quy trình duyệt"
        verbose_name_plural = "quy trình duyệt"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "doc_type"], condition=models.Q(is_active=True), name="one_active_chain_per_type"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChainStep(models.Model):
    chain = models.ForeignKey(ReviewChain, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField("thứ tự")
    label = models.CharField("tên bước", max_length=200)
    kind = models.CharField("người xử lý", max_length=12, choices=StepKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người được chỉ định",
    )
    days = models.PositiveIntegerField("số ngày làm việc", default=3)

    class Meta:
        verbose_name = "bước của quy trình duyệt"
        verbose_name_plural = "bước của quy trình duyệt"
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["chain", "order"], name="chain_step_order")]


class StepStatus(models.TextChoices):
    WAITING = "waiting", "Chưa đến lượt"
    ACTIVE = "active", "Đang chờ xử lý"
    APPROVED = "approved", "Đã đồng ý"
    RETURNED = "returned", "Đã trả lại"
    CANCELLED = "cancelled", "Đã hủy"


class ReviewStep(models.Model):
    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="steps")
    round = models.PositiveIntegerField("lượt trình")
    order = models.PositiveIntegerField("thứ tự")
    label = models.CharField("tên bước", max_length=200)
    kind = models.CharField("người xử lý", max_length=12, choices=StepKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_steps",
        verbose_name="người xử lý chính",
    )
    status = models.CharField("trạng thái", max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING)
    days = models.PositiveIntegerField("số ngày làm việc", default=3)
    due_date = models.DateField("hạn xử lý", null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người quyết định",
    )
    comment = models.TextField("ý kiến", blank=True)
    disagreement = models.TextField("ý kiến khác nhau (trình lãnh đạo)", blank=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "bước duyệt"
        verbose_name_plural = "bước duyệt"
        ordering = ["round", "order"]
        indexes = [
            models.Index(fields=["reviewer", "status", "-id"]),
            # the reviewer's queue by due date (the home page's "chờ duyệt")
            models.Index(fields=["reviewer", "status", "due_date", "id"], name="outgoing_step_due_idx"),
            models.Index(fields=["reviewer", "-document"], name="outgoing_step_reviewer_doc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.reviewer})"

    @property
    def is_active(self) -> bool:
        return self.status == StepStatus.ACTIVE


class Consultation(models.Model):
    """Others consulted at a step (xin ý kiến): notified, they answer; the main handler decides."""

    step = models.ForeignKey(ReviewStep, on_delete=models.PROTECT, related_name="consultations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField("ý kiến", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "xin ý kiến"
        verbose_name_plural = "xin ý kiến"
        indexes = [models.Index(fields=["user", "answered_at"])]
        constraints = [models.UniqueConstraint(fields=["step", "user"], name="consult_once_per_step")]


class RecipientKind(models.TextChoices):
    UNIT = "unit", "Đơn vị trong cơ quan"
    USER = "user", "Cá nhân trong cơ quan"
    AGENCY = "agency", "Cơ quan trong hệ thống"
    EXTERNAL = "external", "Nơi nhận ngoài hệ thống"


class DeliveryStatus(models.TextChoices):
    """What the sender sees of a recipient agency; edXML Status codes 01–06, plus the recall (13, 15, 16)."""

    PENDING = "", "Chưa gửi"
    ARRIVED = "01", "Đã đến"
    REFUSED = "02", "Từ chối tiếp nhận"
    REGISTERED = "03", "Đã tiếp nhận (vào sổ)"
    ASSIGNED = "04", "Đã phân công"
    PROCESSING = "05", "Đang xử lý"
    COMPLETED = "06", "Đã hoàn thành"
    RECALL_REQUESTED = "13", "Đang thu hồi, chờ xác nhận"
    RECALLED = "15", "Đã thu hồi"
    RECALL_REFUSED = "16", "Từ chối thu hồi"


class Recipient(models.Model):
    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="recipients")
    kind = models.CharField("loại nơi nhận", max_length=10, choices=RecipientKind.choices)
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    name = models.CharField("tên nơi nhận", max_length=300, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    # An agency of another system, reached through the exchange (liên thông) by its OrganId.
    organ_id = models.CharField("mã định danh (liên thông)", max_length=40, blank=True)
    for_information = models.BooleanField("để biết", default=False)

    # Delivery to an agency of the deployment.
    status = models.CharField(
        "trạng thái", max_length=2, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.PENDING
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    incoming = models.OneToOneField(
        "incoming.IncomingDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="delivery"
    )
    status_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("lý do (từ chối, thu hồi)", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["agency", "status", "-id"]),
            # what was sent to a unit or a person inside the agency, newest first
            models.Index(fields=["unit", "-document"], name="outgoing_rcpt_unit_doc_idx"),
            models.Index(fields=["user", "-document"], name="outgoing_rcpt_user_doc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="recipient_target_matches_kind",
                condition=(
                    models.Q(kind="unit", unit__isnull=False)
                    | models.Q(kind="user", user__isnull=False)
                    | models.Q(kind="agency", agency__isnull=False)
                    | models.Q(kind="external")
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.unit or self.user or self.agency)

    @property
    def status_tone(self) -> str:
        """The colour of the delivery status: refused or recalled in red, a refused recall in amber, any other reached
        status in green."""
        if self.status in (DeliveryStatus.REFUSED, DeliveryStatus.RECALLED):
            return "danger"
        if self.status == DeliveryStatus.RECALL_REFUSED:
            return "warning"
        return "success" if self.status else ""
