"""Digital signatures (SPEC §6): certificates and keys, trust roots, signature images, the agency's policy,
verification results of stored PDFs and client-side signing sessions."""

import uuid

from django.conf import settings
from django.db import models


class CredentialKind(models.TextChoices):
    PERSONAL = "personal", "Chữ ký số cá nhân (lãnh đạo)"
    AGENCY = "agency", "Chữ ký số cơ quan (văn thư giữ)"


class KeyStore(models.TextChoices):
    PKCS12 = "pkcs12", "Tệp PKCS#12 (.p12/.pfx) lưu mã hóa"
    PKCS11 = "pkcs11", "Thiết bị PKCS#11 (HSM, token)"
    EXTERNAL = "external", "Ký ở máy người dùng hoặc dịch vụ ký từ xa"


class Credential(models.Model):
    """A signing certificate and where its key lives. The PKCS#12 file is stored encrypted (see keys.py) and its
    passphrase is never stored: the signer types it at signing time. A PKCS#11 PIN comes from an environment
    variable named here, never from the database."""

    kind = models.CharField("loại", max_length=10, choices=CredentialKind.choices)
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_credentials"
    )
    keystore = models.CharField("nơi giữ khóa", max_length=10, choices=KeyStore.choices, default=KeyStore.PKCS12)
    label = models.CharField("tên gợi nhớ", max_length=200, blank=True)
    subject = models.CharField("chủ thể", max_length=500)
    common_name = models.CharField("tên (CN)", max_length=255)
    issuer = models.CharField("tổ chức cấp", max_length=500)
    serial = models.CharField("số hiệu", max_length=80)
    fingerprint = models.CharField("SHA-256 của chứng thư", max_length=64, db_index=True)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    certificate = models.TextField("chứng thư (PEM)")
    chain = models.TextField("chứng thư trung gian (PEM)", blank=True)
    p12 = models.ForeignKey(
        "storage.StoredFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tệp PKCS#12 đã mã hóa khi lưu",
    )
    pkcs11_module = models.CharField("thư viện PKCS#11", max_length=500, blank=True)
    pkcs11_token = models.CharField("nhãn token", max_length=200, blank=True)
    pkcs11_key = models.CharField("nhãn khóa", max_length=200, blank=True)
    pkcs11_pin_env = models.CharField("biến môi trường chứa PIN", max_length=100, blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "chứng thư số"
        verbose_name_plural = "chứng thư số"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agency", "kind", "is_active"]),
            models.Index(fields=["user", "is_active"]),
            models.Index(fields=["not_after"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="credential_owner_matches_kind",
                condition=(models.Q(kind="personal", user__isnull=False) | models.Q(kind="agency", user__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial})"


class TrustRoot(models.Model):
    """A root certificate trusted for verification: the national CAs and the deployment's own."""

    name = models.CharField("tên", max_length=255)
    subject = models.CharField("chủ thể", max_length=500)
    fingerprint = models.CharField("SHA-256", max_length=64, unique=True)
    not_after = models.DateTimeField("hiệu lực đến")
    certificate = models.TextField("chứng thư (PEM)")
    is_active = models.BooleanField("đang tin cậy", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chứng thư gốc tin cậy"
        verbose_name_plural = "chứng thư gốc tin cậy"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ImageKind(models.TextChoices):
    SIGNATURE = "signature", "Chữ ký (màu xanh)"
    SEAL = "seal", "Con dấu (màu đỏ)"


class SignatureImage(models.Model):
    """The signer's blue handwritten signature or the agency's red seal: a transparent PNG, at its printed size."""

    kind = models.CharField("loại", max_length=10, choices=ImageKind.choices)
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    width_mm = models.DecimalField("rộng (mm)", max_digits=5, decimal_places=1)
    height_mm = models.DecimalField("cao (mm)", max_digits=5, decimal_places=1)
    is_active = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hình chữ ký, con dấu"
        verbose_name_plural = "hình chữ ký, con dấu"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                name="one_active_signature_per_user",
                fields=["user"],
                condition=models.Q(kind="signature", is_active=True),
            ),
            models.UniqueConstraint(
                name="one_active_seal_per_agency", fields=["agency"], condition=models.Q(kind="seal", is_active=True)
            ),
            models.CheckConstraint(
                name="image_owner_matches_kind",
                condition=(models.Q(kind="signature", user__isnull=False) | models.Q(kind="seal", user__isnull=True)),
            ),
        ]


class OnFailure(models.TextChoices):
    FLAG = "flag", "Đánh dấu cảnh báo, vẫn cho vào sổ"
    REFUSE = "refuse", "Từ chối tiếp nhận"


class SigningPolicy(models.Model):
    """Per-agency rules: what to do with received documents that fail verification; whether electronic issue
    needs both the signer's and the agency's signature."""

    agency = models.OneToOneField("directory.Agency", on_delete=models.CASCADE, related_name="signing_policy")
    on_failure = models.CharField(
        "khi chữ ký số không hợp lệ", max_length=10, choices=OnFailure.choices, default=OnFailure.FLAG
    )
    require_both = models.BooleanField(
        "bắt buộc đủ chữ ký người ký và chữ ký cơ quan khi phát hành điện tử", default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chính sách chữ ký số"
        verbose_name_plural = "chính sách chữ ký số"


class Verdict(models.TextChoices):
    VALID = "valid", "Hợp lệ"
    INVALID = "invalid", "Không hợp lệ"
    UNSIGNED = "unsigned", "Không có chữ ký số"
    NOT_PDF = "not_pdf", "Không phải tệp PDF"
    ERROR = "error", "Không kiểm tra được"


class Verification(models.Model):
    """The result of checking every signature of one stored file (the newest row counts)."""

    file = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="verifications")
    verdict = models.CharField("kết luận", max_length=10, choices=Verdict.choices)
    summary = models.CharField("tóm tắt", max_length=500)
    signatures = models.JSONField("các chữ ký", default=list)
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The agency for which the check was made: a sender's and a recipient's checks of the same delivered file
    # stay each with its own agency.
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="kiểm tra cho cơ quan",
    )

    class Meta:
        verbose_name = "kết quả kiểm tra chữ ký số"
        verbose_name_plural = "kết quả kiểm tra chữ ký số"
        ordering = ["-id"]
        indexes = [models.Index(fields=["file", "-id"])]

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.VALID


class SessionPurpose(models.TextChoices):
    APPROVAL = "approval", "Ký duyệt (lãnh đạo)"
    ISSUE = "issue", "Ký số cơ quan khi phát hành"


class SessionStatus(models.TextChoices):
    PENDING = "pending", "Chờ ký"
    COMPLETED = "completed", "Đã ký"
    FAILED = "failed", "Không chấp nhận"
    EXPIRED = "expired", "Hết hạn"


class SigningSession(models.Model):
    """Client-side signing: the server prepares a PDF, an external signer (USB token service, remote service)
    returns it signed, the server verifies it before accepting."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField("mục đích", max_length=10, choices=SessionPurpose.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    field_name = models.CharField("trường chữ ký", max_length=100)
    prepared = models.ForeignKey("storage.StoredFile", on_delete=models.PROTECT, related_name="+")
    signed = models.ForeignKey("storage.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("trạng thái", max_length=10, choices=SessionStatus.choices, default=SessionStatus.PENDING)
    error = models.CharField("lý do", max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phiên ký số"
        verbose_name_plural = "phiên ký số"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "status"])]
