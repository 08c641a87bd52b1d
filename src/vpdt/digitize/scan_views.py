"""Screens of the scans waiting for registration, under /so-hoa/ban-quet/ (namespace "digitize"): upload (one
or many), the waiting list with OCR progress, the scan itself for the side-by-side viewer, and "Bỏ". The
registration form prefilled from a scan is incoming's form (/van-ban-den/vao-so/?ban-quet=<id>)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import scans

GONE = "Bản quét không còn trong danh sách chờ vào sổ (đã vào sổ, đã bỏ) hoặc bạn không có quyền xem."


def _scan(request, pk):
    scan = scans.get_waiting(request.user, pk)
    if scan is None:
        raise Http404(GONE)
    return scan


def register_url(scan) -> str:
    return f"{reverse('incoming:create')}?ban-quet={scan.pk}"


@login_required
def waiting(request):
    scans.require_clerk(request.user)
    if request.method == "POST":
        try:
            items = scans.upload(request.user, request.FILES.getlist("files"))
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            if len(items) == 1:
                messages.success(
                    request,
                    f"Đã nhận bản quét “{items[0].file.original_name}”. Hãy kiểm tra thông "
                    "tin điền sẵn từ bản quét rồi vào sổ.",
                )
                return redirect(register_url(items[0]))
            messages.success(
                request,
                f"Đã nhận {len(items)} bản quét; hệ thống đang đọc từng bản. "
                "Chọn “Vào sổ” ở từng bản để kiểm tra thông tin điền sẵn.",
            )
        return redirect("digitize:scans")
    rows = list(scans.waiting(request.user)[:200])
    template = "digitize/_scan_rows.html" if request.htmx else "digitize/scans.html"
    return render(request, template, {"rows": rows, "busy": any(not r.finished or r.archiving for r in rows)})


@login_required
@require_GET
def status(request, pk: int):
    """Polled by the registration page while the scan is read: once read, the page reloads prefilled."""
    scan = _scan(request, pk)
    if scan.finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "digitize/_scan_status.html", {"scan": scan})


@login_required
@require_GET
def view_file(request, pk: int):
    """The scan for the viewer beside the form (:func:`scans.shown_file`), inline."""
    scan = _scan(request, pk)
    stored = scans.shown_file(scan)
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("Tệp không còn trong kho lưu trữ.")
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=stored.original_name,
        content_type=stored.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"  # the type was sniffed from the content at upload
    return response


@login_required
@require_POST
def discard(request, pk: int):
    scan = _scan(request, pk)
    try:
        scans.discard(request.user, scan, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"Đã bỏ bản quét “{scan.file.original_name}” khỏi danh sách chờ vào sổ.")
    return redirect("digitize:scans")
