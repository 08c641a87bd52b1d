"""Accounts (SPEC §9): one account per person, with an explicit status lifecycle."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    LOCKED = "locked", "Bị khóa"
    REVOKED = "revoked", "Bị thu hồi"
    DEACTIVATED = "deactivated", "Đã vô hiệu hóa (nghỉ việc, chuyển công tác)"


class StatusReason(models.TextChoices):
    UNUSED = "unused", "Không sử dụng sau khi được cấp"
    PASSWORD_NOT_CHANGED = "password_not_changed", "Không đổi mật khẩu lần đầu theo quy định"
    COMPROMISED = "compromised", "Bị chiếm quyền hoặc lộ mật khẩu"
    AGENCY_REQUEST = "agency_request", "Theo đề nghị của cơ quan quản lý"
    LAW_VIOLATION = "law_violation", "Vi phạm quy định về công nghệ thông tin"
    USER_REQUEST = "user_request", "Theo yêu cầu của người dùng"
    INACTIVE = "inactive", "Không đăng nhập trong thời gian quy định"
    DEPARTURE = "departure", "Nghỉ hưu, thôi việc hoặc chuyển công tác"
    OTHER = "other", "Lý do khác"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        if not username:
            raise ValueError("Tên đăng nhập là bắt buộc.")
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("full_name", username)
        extra.setdefault("must_change_password", False)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField("tên đăng nhập", max_length=150, unique=True)
    full_name = models.CharField("họ và tên", max_length=100)
    email = models.EmailField("thư điện tử công vụ", blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="cơ quan",
    )
    is_organisational = models.BooleanField("tài khoản của tổ chức", default=False)

    status = models.CharField("trạng thái", max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    status_reason = models.CharField("lý do", max_length=30, choices=StatusReason.choices, blank=True)
    status_note = models.CharField("ghi chú trạng thái", max_length=500, blank=True)
    status_changed_at = models.DateTimeField("thời điểm đổi trạng thái", null=True, blank=True)
    left_on = models.DateField("ngày nghỉ", null=True, blank=True)

    must_change_password = models.BooleanField("phải đổi mật khẩu", default=True)
    password_issued_at = models.DateTimeField("thời điểm cấp mật khẩu", null=True, blank=True)
    password_changed_at = models.DateTimeField("thời điểm đổi mật khẩu", null=True, blank=True)

    # is_active mirrors status == ACTIVE so Django, DRF and axes all refuse non-active accounts.
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("truy cập trang quản trị Django", default=False)
    date_joined = models.DateTimeField("ngày tạo", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        indexes = [
            models.Index(fields=["agency", "full_name", "id"]),
            models.Index(fields=["status", "last_login"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    def save(self, *args, **kwargs):
        self.is_active = self.status == AccountStatus.ACTIVE
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"is_active"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.username


class PasswordHistory(models.Model):
    """Hashes of earlier passwords, so a password is not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "mật khẩu đã dùng"
        verbose_name_plural = "mật khẩu đã dùng"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]


class UserSession(models.Model):
    """Session keys per user, so an account can be signed out everywhere when locked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"
