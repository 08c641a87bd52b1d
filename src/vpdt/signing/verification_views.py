"""Screens of signature verification: one file's results (newest first) and "Kiểm tra lại" for clerks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vpdt.core.authz import scope_of
from vpdt.directory.models import Role

from . import receipt

HISTORY = 20


def can_reverify(user) -> bool:
    scope = scope_of(user)
    return scope.has_role(Role.CLERK) or scope.is_admin


def _file(request, file_pk):
    stored = receipt.visible_file(request.user, file_pk)
    if stored is None:
        raise Http404("Không tìm thấy tệp (hoặc bạn không có quyền xem).")
    return stored


@login_required
def file_detail(request, file_pk: int):
    stored = _file(request, file_pk)
    history = list(
        receipt.visible_verifications(request.user)
        .filter(file=stored)
        .select_related("checked_by")
        .order_by("-id")[:HISTORY]
    )
    result = receipt.present(stored, history[0] if history else None)
    return render(
        request,
        "signing/verification/file.html",
        {
            "stored": stored,
            "result": result,
            "history": history,
            "reverify_next": request.get_full_path() if can_reverify(request.user) else "",
        },
    )


@login_required
@require_POST
def reverify(request, file_pk: int):
    stored = _file(request, file_pk)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = f"/ky-so/kiem-tra/tep/{stored.pk}/"
    if not can_reverify(request.user):
        messages.error(request, "Chỉ văn thư hoặc quản trị được kiểm tra lại chữ ký số.")
        return redirect(target)
    try:
        result = receipt.reverify(request.user, stored)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        (messages.success if result.verdict in ("valid", "unsigned") else messages.warning)(
            request, f"Đã kiểm tra lại chữ ký số của tệp “{stored.original_name}”: {result.summary}"
        )
    return redirect(target)
