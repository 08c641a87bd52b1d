"""Password policy beyond Django's validators (messages in Vietnamese)."""

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class ComplexityValidator:
    """At least one lower-case letter, one upper-case letter, one digit and one symbol."""

    def validate(self, password, user=None):
        missing = []
        if not re.search(r"[a-zà-ỹđ]", password):
            missing.append("chữ thường")
        if not re.search(r"[A-ZÀ-ỸĐ]", password):
            missing.append("chữ hoa")
        if not re.search(r"\d", password):
            missing.append("chữ số")
        if not re.search(r"[^\w\s]|_", password):
            missing.append("ký tự đặc biệt")
        if missing:
            raise ValidationError(
                "Mật khẩu phải có ít nhất một " + ", một ".join(missing) + ".", code="password_complexity"
            )

    def get_help_text(self):
        return "Mật khẩu phải có chữ hoa, chữ thường, chữ số và ký tự đặc biệt."


class HistoryValidator:
    """A new password may not repeat the current one or the last ``depth`` ones."""

    def __init__(self, depth=5):
        self.depth = depth

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if user.password and user.has_usable_password() and check_password(password, user.password):
            raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.", code="password_reused")
        for old in user.password_history.all()[: self.depth]:
            if check_password(password, old.password):
                raise ValidationError(
                    f"Không được dùng lại một trong {self.depth} mật khẩu gần nhất.", code="password_reused"
                )

    def get_help_text(self):
        return f"Không dùng lại {self.depth} mật khẩu gần nhất."
