"""Screens of digitization, under /so-hoa/ (namespace "digitize"): the status fragment polled by htmx on the
incoming document page, the download of the searchable archive copy, and "Số hóa lại" for clerks. Every view
finds the file through :func:`services.for_file` (one SQL predicate): a file the user may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from vpdt.core.viewer import file_response

from . import services

NOT_FOUND = "Không tìm thấy tệp (hoặc bạn không có quyền xem)."


def _item(request, file_pk):
    item = services.for_file(request.user, file_pk)
    if item is None:
        raise Http404(NOT_FOUND)
    return item


@login_required
@require_GET
def status(request, file_pk: int):
    item = services.for_file(request.user, file_pk)
    if item is None:
        from vpdt.signing import receipt

        if receipt.visible_file(request.user, file_pk) is None:
            raise Http404(NOT_FOUND)
    return render(
        request,
        "digitize/_status.html",
        {
            "item": item,
            "file_pk": file_pk,
            "can_retry": item is not None and item.finished and services.can_retry(request.user, item),
            "next": request.GET.get("next") or (request.htmx.current_url_abs_path if request.htmx else ""),
        },
    )


@login_required
@require_GET
def archive(request, file_pk: int):
    item = _item(request, file_pk)
    if item.archive is None:
        raise Http404("Tệp chưa có bản số hóa.")
    try:
        handle = default_storage.open(item.archive.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trong kho lưu trữ.")
    return file_response(request, handle, filename=item.archive.original_name, content_type="application/pdf")


@login_required
@require_POST
def retry(request, file_pk: int):
    item = _item(request, file_pk)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    try:
        item = services.retry(request.user, item)
    except (ValidationError, PermissionDenied) as exc:
        if request.htmx:
            return render(
                request,
                "digitize/_status.html",
                {"item": item, "file_pk": file_pk, "problem": " ".join(getattr(exc, "messages", [str(exc)]))},
            )
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(target)
    if request.htmx:
        return render(request, "digitize/_status.html", {"item": item, "file_pk": file_pk})
    messages.success(request, f"Đã đưa tệp “{item.file.original_name}” vào hàng đợi số hóa lại.")
    return redirect(target)
