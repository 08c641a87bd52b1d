from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from . import dashboard, work


@login_required
def home(request):
    """The person's home: the counters of what waits for them (with what is due soon and late, read with the menu's
    badges in one statement), then the cards the apps contribute."""
    summary = work.summary(request, with_due=True)
    counters = [c for c in summary.counts if c.queue.home and (c.n or c.queue.always)]
    return render(request, "core/home.html", {"widgets": dashboard.widgets_for(request), "counters": counters})


def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever the page says: the icon is a static file."""
    return HttpResponsePermanentRedirect(static("vpdt/favicon.ico"))


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = "ok"
    except Exception:
        db = "error"
    status = 200 if db == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db}, status=status)


def _error(request, status, title, message):
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    """Django's answer to a request it refuses (SuspiciousOperation): a body over the size limit (413), too many
    fields or files, a bad host... In Vietnamese, as JSON under /api/."""
    from .api import refused_input

    refused = refused_input(exception)
    status = refused.status_code if refused else 400
    message = str(refused.detail) if refused else "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại và thử lại."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return _error(request, status, "Dữ liệu gửi lên quá lớn" if status == 413 else "Yêu cầu không hợp lệ", message)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "Bạn không có quyền truy cập trang này."
    return _error(request, 403, "Không có quyền truy cập", message)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):  # no route, e.g. an id that is not ASCII digits
        from .api import NOT_FOUND

        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return _error(
        request, 404, "Không tìm thấy trang", "Trang hoặc đối tượng bạn tìm không tồn tại, hoặc bạn không có quyền xem."
    )


def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        "Phiên làm việc đã hết hạn",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
    )
