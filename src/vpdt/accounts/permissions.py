from rest_framework import permissions


class PasswordChangedPermission(permissions.BasePermission):
    """Holders of a one-time password may only change it, read /me/ or log out."""

    message = "Bạn phải đổi mật khẩu được cấp lần đầu trước khi sử dụng API (POST /api/v1/auth/password/)."

    def has_permission(self, request, view):
        user = request.user
        if user and user.is_authenticated and user.must_change_password:
            return getattr(view, "allow_unchanged_password", False)
        return True


class SchemaAccess(permissions.BasePermission):
    """The API's schema and documentation: for signed-in people (session or token), unless the operator
    publishes them (VPDT_API_SCHEMA_PUBLIC)."""

    message = "Vui lòng đăng nhập để xem mô tả API."

    def has_permission(self, request, view):
        from django.conf import settings

        return settings.VPDT_API_SCHEMA_PUBLIC or bool(request.user and request.user.is_authenticated)
