"""The clerk's outgoing screens: issue, register, deliveries from other agencies, recalls."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def to_issue(request):  # placeholder until the clerk screens land
    return HttpResponse("Đang xây dựng", status=503)
