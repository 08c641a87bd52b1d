"""API error handling: every error is JSON with a Vietnamese message, never a stack trace."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

log = logging.getLogger(__name__)

NOT_FOUND = "Không tìm thấy đối tượng (hoặc bạn không có quyền xem)."
_MESSAGES = {
    exceptions.NotAuthenticated: "Chưa đăng nhập hoặc thiếu mã truy cập (token).",
    exceptions.AuthenticationFailed: "Thông tin xác thực không hợp lệ.",
    exceptions.PermissionDenied: "Bạn không có quyền thực hiện thao tác này.",
    exceptions.NotFound: NOT_FOUND,
    exceptions.MethodNotAllowed: "Phương thức không được hỗ trợ.",
    exceptions.ParseError: "Dữ liệu gửi lên không đúng định dạng.",
    exceptions.UnsupportedMediaType: "Kiểu dữ liệu gửi lên không được hỗ trợ.",
    exceptions.Throttled: "Quá nhiều yêu cầu, vui lòng thử lại sau.",
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class InputRefused(exceptions.ParseError):
    """A body refused before any view ran, with our own (Vietnamese) message."""


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f" (tối đa {limit / 1024 / 1024:g} MB, không kể tệp đính kèm)" if limit else ""
    return f"Dữ liệu gửi lên quá lớn{size}."


TOO_DEEP = "Dữ liệu gửi lên lồng nhau quá sâu."


def refused_input(exc) -> exceptions.APIException | None:
    """The client error for a request Django or a parser refused before the view ran (too big, too many fields
    or files, too deeply nested, otherwise suspicious), or None for any other exception."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(too_large_message())
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return InputRefused(f"Biểu mẫu gửi lên có quá nhiều trường (tối đa {limit}).")
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return InputRefused(f"Gửi lên quá nhiều tệp trong một lần (tối đa {limit}).")
    if isinstance(exc, SuspiciousOperation):
        return InputRefused("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại dữ liệu gửi lên.")
    if isinstance(exc, RecursionError):
        return InputRefused(TOO_DEEP)
    return None


def exception_handler(exc, context):
    exc = refused_input(exc) or exc
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    # Imported here: rest_framework.views loads DRF's parser settings, vpdt.core.parsers, which imports this module
    # (a command importing the incoming services first failed on the cycle).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("Lỗi không xử lý được trong API", exc_info=exc)
        return Response(
            {"detail": "Lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị."},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        return response
    detail = getattr(exc, "detail", None)
    default_detail = getattr(type(exc), "default_detail", None)
    message = _MESSAGES.get(type(exc))
    # A parser's own detail is English (e.g. "JSON parse error - Expecting value..."): keep ours.
    if (
        detail is not None
        and str(detail) != str(default_detail)
        and not isinstance(detail, (list, dict))
        and (not isinstance(exc, exceptions.ParseError) or isinstance(exc, InputRefused))
    ):
        message = str(detail)
    if message:
        response.data = {"detail": message}
    return response


def valid_input(serializer_class, request, partial: bool = False) -> dict:
    """The body of an API action checked by ``serializer_class``: its validated data, or a 400 with the reasons."""
    data = serializer_class(data=request.data, context={"request": request}, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
