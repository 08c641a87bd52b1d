"""Password policy beyond Django's validators (messages in Vietnamese)."""

import re

from django.contrib.auth import password_validation as _pv
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class ComplexityValidator:
    """At least one lower-case letter, one upper-case letter, one digit and one symbol."""

    def validate(self, password, user=None):
        missing = []
        # str.islower()/isupper(), not ranges like [à-ỹ]: Vietnamese capitals and small letters interleave
        # in Unicode, so such a range matches both cases.
        if not any(c.islower() for c in password):
            missing.append("chữ thường")
        if not any(c.isupper() for c in password):
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


# Django's own password validators, with messages in Vietnamese (Django's "vi" catalogue lacks them).


class MinimumLengthValidator(_pv.MinimumLengthValidator):
    def get_error_message(self):
        return f"Mật khẩu quá ngắn: phải có ít nhất {self.min_length} ký tự."

    def get_help_text(self):
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(_pv.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "Mật khẩu quá giống với %(verbose_name)s."

    def get_help_text(self):
        return "Mật khẩu không được quá giống với thông tin cá nhân (tên đăng nhập, họ tên, thư điện tử)."


class CommonPasswordValidator(_pv.CommonPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu này quá phổ biến, dễ bị đoán."

    def get_help_text(self):
        return "Không dùng mật khẩu phổ biến."


class NumericPasswordValidator(_pv.NumericPasswordValidator):
    def get_error_message(self):
        return "Mật khẩu không được chỉ gồm chữ số."

    def get_help_text(self):
        return "Mật khẩu không được chỉ gồm chữ số."
