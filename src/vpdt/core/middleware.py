"""Request context for logging and the journal: request id, client address, current user."""

import contextvars
import logging
import uuid

from .text import clean_files, clean_querydict

_request_var: contextvars.ContextVar = contextvars.ContextVar("vpdt_request", default=None)


def current_request():
    return _request_var.get()


def client_ip(request) -> str | None:
    if request is None:
        return None
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex[:16]
        token = _request_var.set(request)
        try:
            response = _refuse_nul(request) or _clean_input(request) or self.get_response(request)
        finally:
            _request_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def _refuse_nul(request):
    """A NUL character in the query string is never meaningful, and PostgreSQL refuses it in a query."""
    if not any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return None
    message = "Địa chỉ yêu cầu chứa ký tự không hợp lệ (NUL). Vui lòng kiểm tra lại."
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=400)
    from django.shortcuts import render

    return render(request, "core/error.html", {"title": "Yêu cầu không hợp lệ", "message": message}, status=400)


def _clean_input(request) -> None:
    """Control characters out of the query string, the form fields and the uploaded files' names
    (:mod:`vpdt.core.text`) before any view reads them. A form post that Django refuses (too big, too many
    fields) raises here and is answered by ``vpdt.core.views.bad_request``."""
    request.GET = clean_querydict(request.GET)
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        request.POST = clean_querydict(request.POST)
        clean_files(request.FILES)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request()
        record.request_id = getattr(request, "request_id", "-") if request is not None else "-"
        return True
