"""The clerk's weekly follow-up of late units."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from vpdt.core.authz import scope_of
from vpdt.directory.models import Role

from . import queries


@login_required
def late_units(request):
    scope = scope_of(request.user)
    if not (scope.agency_id and scope.has_role(Role.CLERK, Role.LEADER)):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan được xem danh sách đơn vị chậm xử lý.")
    rows = queries.late_units(scope.agency_id)
    return render(request, "incoming/late_units.html", {"rows": rows, "today": timezone.localdate()})
