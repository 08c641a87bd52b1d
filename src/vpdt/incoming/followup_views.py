"""The clerk's weekly follow-up of late units, and a person's in-app notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vpdt.core.authz import scope_of
from vpdt.core.pagination import keyset_page, query_without_cursor
from vpdt.directory.models import Role

from . import services
from .models import Notification


@login_required
def late_units(request):
    scope = scope_of(request.user)
    if not (scope.agency_id and scope.has_role(Role.CLERK, Role.LEADER)):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan được xem danh sách đơn vị chậm xử lý.")
    rows = services.late_units(scope.agency_id)
    return render(request, "incoming/late_units.html", {"rows": rows, "today": timezone.localdate()})


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user)
    page = keyset_page(qs, request.GET.get("cursor"), order=("-id",), size=50)
    return render(request, "incoming/notifications.html", {"page": page, "query": query_without_cursor(request)})


@login_required
@require_POST
def notifications_read(request):
    updated = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"Đã đánh dấu {updated} thông báo là đã đọc.")
    return redirect("incoming:notifications")
