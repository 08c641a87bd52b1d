"""Drafting and review screens (văn bản đi). Thin: parse input, call services, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def my_drafts(request):  # placeholder until the drafting screens land
    return HttpResponse("Đang xây dựng", status=503)
