from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from vpdt.core.authz import manageable, scope_of, visible


@login_required
def home(request):
    from vpdt.accounts.models import AccountStatus, User
    from vpdt.directory.models import Position, Role
    from vpdt.journal.models import JournalEntry

    scope = scope_of(request.user)
    positions = (
        Position.objects.filter(user=request.user, is_active=True)
        .select_related("agency", "unit")
        .order_by("-is_primary", "id")
    )
    logins = list(
        JournalEntry.objects.filter(actor=request.user, action="auth.login")
        .order_by("-seq")
        .values_list("created_at", flat=True)[:2]
    )
    today = timezone.localdate()
    context = {
        "scope": scope,
        "positions": positions,
        "previous_login": logins[1] if len(logins) > 1 else None,
        "logins_today": JournalEntry.objects.filter(
            actor=request.user, action="auth.login", created_at__date=today
        ).count(),
    }
    from vpdt.incoming import dashboard

    context["work"] = dashboard.for_user(request.user)
    from vpdt.outgoing import dashboard as outgoing_dashboard

    context["out"] = outgoing_dashboard.for_user(request.user)
    if scope.has_role(Role.CLERK) and scope.agency_id:
        from vpdt.digitize import scans

        waiting = list(
            scans.waiting(request.user)
            .select_related(None)
            .select_related("file")
            .only("id", "status", "file__original_name", "created_at")[:9]
        )
        context["scans"] = {"rows": waiting[:8], "more": len(waiting) > 8}
    from vpdt.signing.admin_views import status_of
    from vpdt.signing.tasks import warnings_for

    context["cert_warnings"] = [(c, *status_of(c)) for c in warnings_for(request.user)]
    if scope.is_admin:
        managed = manageable(User, request.user)
        counts = dict(managed.values_list("status").annotate(n=Count("id")).order_by())
        context["status_counts"] = [(s.label, s.value, counts.get(s.value, 0)) for s in AccountStatus]
        warn_from = timezone.now() - timedelta(days=max(settings.VPDT_LOCK_UNUSED_DAYS - 7, 0))
        context["soon_locked"] = managed.filter(
            status=AccountStatus.ACTIVE, must_change_password=True, password_issued_at__lt=warn_from
        ).order_by("password_issued_at")[:10]
        context["failed_logins"] = (
            visible(JournalEntry, request.user)
            .filter(action__in=["auth.login_failed", "auth.lockout"])
            .order_by("-seq")[:10]
        )
    return render(request, "core/home.html", context)


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
