"""API error handling: every error is JSON with a Vietnamese message, never a stack trace."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

_MESSAGES = {
    exceptions.NotAuthenticated: "Chưa đăng nhập hoặc thiếu mã truy cập (token).",
    exceptions.AuthenticationFailed: "Thông tin xác thực không hợp lệ.",
    exceptions.PermissionDenied: "Bạn không có quyền thực hiện thao tác này.",
    exceptions.NotFound: "Không tìm thấy đối tượng (hoặc bạn không có quyền xem).",
    exceptions.MethodNotAllowed: "Phương thức không được hỗ trợ.",
    exceptions.ParseError: "Dữ liệu gửi lên không đúng định dạng.",
    exceptions.UnsupportedMediaType: "Kiểu dữ liệu gửi lên không được hỗ trợ.",
    exceptions.Throttled: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("Lỗi không xử lý được trong API", exc_info=exc)
        return Response({"detail": "Lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị."},
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        return response
    detail = getattr(exc, "detail", None)
    default_detail = getattr(type(exc), "default_detail", None)
    message = _MESSAGES.get(type(exc))
    # A parser's own detail is English (e.g. "JSON parse error - Expecting value..."): keep ours.
    if (detail is not None and str(detail) != str(default_detail) and not isinstance(detail, (list, dict))
            and not isinstance(exc, exceptions.ParseError)):
        message = str(detail)
    if message:
        response.data = {"detail": message}
    return response
