"""Exchange with other systems (liên thông): the systems connected, the agencies they serve, and every package and
status message sent or received, kept as a transactional outbox and inbox.

* A :class:`Partner` is either the hub above this deployment (the provincial hub, or the national axis) or a system
  that uses this deployment as its hub. Its shared secret (HMAC-SHA256 of the requests) is stored encrypted.
* :class:`ExternalAgency` is the exchange directory: an agency outside the deployment (``OrganId``), and the partner
  that reaches it.
* :class:`Message` is one package or status message, in or out, with its edXML bytes in storage. Its
  ``idempotency_key`` (document, message type, business type or status code, the other agency) is unique per
  direction: the same message received twice, or queued twice, is one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PartnerRole(models.TextChoices):
    UPSTREAM = "upstream", "Trục liên thông cấp trên"
    CONNECTED = "connected", "Hệ thống kết nối vào trục của tỉnh"


class Partner(models.Model):
    code = models.CharField("mã hệ thống", max_length=100, unique=True)
    name = models.CharField("tên hệ thống", max_length=200)
    role = models.CharField("vai trò", max_length=10, choices=PartnerRole.choices)
    base_url = models.URLField("địa chỉ API", blank=True)
    secret = models.BinaryField("khóa bí mật (mã hóa)", editable=False)
    own_code = models.CharField(
        "mã của hệ thống này tại trục", max_length=100, blank=True, help_text="mã hệ thống vpdt dùng khi gọi trục"
    )
    settings = models.JSONField("tên trường và đường dẫn của API", default=dict, blank=True)
    is_active = models.BooleanField("đang kết nối", default=True)
    last_contact_at = models.DateTimeField("liên lạc gần nhất", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    failures = models.PositiveIntegerField("số lần lỗi liên tiếp", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hệ thống liên thông"
        verbose_name_plural = "hệ thống liên thông"
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=models.Q(role="upstream", is_active=True), name="exchange_one_upstream"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExternalAgency(models.Model):
    organ_id = models.CharField("mã định danh", max_length=30, unique=True)
    name = models.CharField("tên cơ quan", max_length=200)
    address = models.CharField("địa chỉ", max_length=250, blank=True)
    email = models.CharField("thư điện tử", max_length=100, blank=True)
    telephone = models.CharField("điện thoại", max_length=50, blank=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies", verbose_name="qua hệ thống"
    )
    is_active = models.BooleanField("còn hoạt động", default=True)
    synced_at = models.DateTimeField("đồng bộ lúc", null=True, blank=True)

    class Meta:
        verbose_name = "cơ quan ngoài hệ thống"
        verbose_name_plural = "cơ quan ngoài hệ thống"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organ_id})"


class Direction(models.TextChoices):
    OUT = "out", "Gửi đi"
    IN = "in", "Nhận về"


class MessageType(models.TextChoices):
    EDOC = "edoc", "Gói văn bản"
    STATUS = "status", "Trạng thái"


class MessageState(models.TextChoices):
    # Out
    QUEUED = "queued", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    RETRYING = "retrying", "Gửi lỗi, sẽ gửi lại"
    DEAD = "dead", "Gửi không được, cần xử lý"
    # In
    RECEIVED = "received", "Đã nhận"
    APPLIED = "applied", "Đã xử lý"
    REFUSED = "refused", "Đã từ chối"
    # Hub: stored for a connected system to fetch, or forwarded
    WAITING = "waiting", "Chờ hệ thống nhận lấy về"
    FETCHED = "fetched", "Hệ thống nhận đã lấy về"


class Message(models.Model):
    direction = models.CharField("chiều", max_length=3, choices=Direction.choices)
    kind = models.CharField("loại", max_length=6, choices=MessageType.choices)
    state = models.CharField("trạng thái", max_length=10, choices=MessageState.choices)
    idempotency_key = models.CharField("khóa chống trùng", max_length=400)
    document_id = models.CharField("DocumentId", max_length=200, db_index=True)
    business_type = models.PositiveSmallIntegerField("nghiệp vụ", null=True, blank=True)
    status_code = models.CharField("mã trạng thái", max_length=2, blank=True)
    from_organ = models.CharField("cơ quan gửi", max_length=30)
    to_organ = models.CharField("cơ quan nhận", max_length=30, db_index=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="messages", verbose_name="hệ thống"
    )
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    # The agency of this deployment the message is from (out) or for (in); none for what a hub only passes on.
    agency = models.ForeignKey(
        "directory.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan"
    )
    # Local objects the message is about (by id: the exchange sits above the document apps and reads them there).
    outgoing_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    incoming_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # What the clerk reads of a document that arrived, without opening the package again.
    subject = models.CharField("trích yếu", max_length=500, blank=True)
    code = models.CharField("số, ký hiệu", max_length=50, blank=True)
    sender_name = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    promulgation_date = models.DateField("ngày văn bản", null=True, blank=True)
    urgency = models.PositiveSmallIntegerField("độ khẩn", default=0)
    files = models.JSONField("tệp đính kèm", default=list, blank=True)
    signature_verdict = models.CharField("chữ ký XML", max_length=20, blank=True)
    signature_summary = models.CharField("kết quả kiểm tra chữ ký XML", max_length=500, blank=True)
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lại lúc", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    reason = models.TextField("lý do", blank=True)
    urgent = models.BooleanField("gửi ngay", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "gói tin liên thông"
        verbose_name_plural = "gói tin liên thông"
        constraints = [
            models.UniqueConstraint(fields=["direction", "idempotency_key"], name="exchange_message_once"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="exchange_msg_due_idx"),
            models.Index(fields=["partner", "state", "id"], name="exchange_msg_partner_idx"),
            models.Index(fields=["to_organ", "state", "-id"], name="exchange_msg_to_idx"),
            models.Index(fields=["agency", "direction", "state", "-id"], name="exchange_msg_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_id} → {self.to_organ}"


def idempotency_key(document_id: str, kind: str, code, organ: str) -> str:
    """One message per document, message type, business type (packages) or status code, and other agency."""
    return f"{document_id}|{kind}|{code}|{organ}"[:400]
