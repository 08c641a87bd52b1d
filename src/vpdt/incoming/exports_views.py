"""Downloads of the incoming registers and the processing slip (SPEC §2.5, §8).

``export_urls`` are included in the project's URLconf. Every queryset goes through
:func:`vpdt.core.authz.visible`; a register or document the user may not see is a 404.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from vpdt.core.authz import visible
from vpdt.core.dates import DateInputError, parse_date
from vpdt.core.params import int_param
from vpdt.journal import services as journal

from . import exports, lifecycle
from .models import IncomingDocument, Register

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_PERIOD_DAYS = 366 * 5


class BadPeriod(ValueError):
    pass


def _parse_date(raw: str, label: str) -> dt.date | None:
    try:
        return parse_date(raw, formats=("%d/%m/%Y",))
    except DateInputError as err:
        if err.code == "date_range":
            raise BadPeriod(f"{label}: {err}") from None
        raise BadPeriod(
            f"{label} “{raw.strip()[:20]}” không hợp lệ. Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/10/2026."
        ) from None


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    return start, end - dt.timedelta(days=1)


def parse_period(params) -> tuple[dt.date, dt.date]:
    """date_from/date_to (dd/mm/yyyy); missing ones default to the current quarter (Vietnam time)."""
    date_from = _parse_date(params.get("date_from", ""), "Từ ngày")
    date_to = _parse_date(params.get("date_to", ""), "Đến ngày")
    q_from, q_to = quarter_of(date_from or date_to or timezone.localdate())
    date_from, date_to = date_from or q_from, date_to or q_to
    if date_from > date_to:
        raise BadPeriod("“Từ ngày” phải trước hoặc bằng “Đến ngày”.")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise BadPeriod("Khoảng thời gian xuất sổ tối đa là 5 năm.")
    return date_from, date_to


def in_period(qs, date_from: dt.date, date_to: dt.date):
    """Documents that arrived between the two dates inclusive, in Vietnam time (index-friendly range)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min), tz)
    return qs.filter(arrival_date__gte=start, arrival_date__lt=end)


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "so"


def period_slug(date_from: dt.date, date_to: dt.date) -> str:
    if (date_from, date_to) == quarter_of(date_from):
        return f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}"
    if (date_from, date_to) == (dt.date(date_from.year, 1, 1), dt.date(date_from.year, 12, 31)):
        return str(date_from.year)
    return f"{date_from:%Y%m%d}-{date_to:%Y%m%d}"


def _bad_request(request, message: str):
    return render(request, "core/error.html", {"title": "Yêu cầu không hợp lệ", "message": message}, status=400)


def _attachment(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _export(request, register_pk: int, fmt: str, *, kind: str, prefix: str, pdf, xlsx):
    fmt = (fmt or "").lower()
    if fmt not in CONTENT_TYPES:
        raise Http404("Định dạng không được hỗ trợ (chỉ PDF hoặc XLSX).")
    register = get_object_or_404(visible(Register, request.user).select_related("agency"), pk=register_pk)
    try:
        date_from, date_to = parse_period(request.GET)
    except BadPeriod as err:
        return _bad_request(request, str(err))
    documents = in_period(visible(IncomingDocument, request.user).filter(register=register), date_from, date_to)
    build = pdf if fmt == "pdf" else xlsx
    data = build(documents, agency=register.agency, register=register, date_from=date_from, date_to=date_to)
    filename = f"{prefix}-{ascii_slug(register.code)}-{period_slug(date_from, date_to)}.{fmt}"
    journal.record(
        "incoming.register_exported",
        actor=request.user,
        obj=register,
        agency=register.agency_id,
        request=request,
        details={
            "register": register.pk,
            "kind": kind,
            "format": fmt,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "filename": filename,
        },
    )
    return _attachment(data, fmt, filename)


BOOKS = {
    "register": {
        "kind": "register",
        "prefix": "so-den",
        "pdf": exports.incoming_register_pdf,
        "xlsx": exports.incoming_register_xlsx,
    },
    "followup": {
        "kind": "followup",
        "prefix": "so-theo-doi",
        "pdf": exports.followup_register_pdf,
        "xlsx": exports.followup_register_xlsx,
    },
}


@require_GET
@login_required
def register_export(request, register_pk: int, fmt: str):
    """Sổ đăng ký văn bản đến for a period (default: the current quarter)."""
    return _export(request, register_pk, fmt, **BOOKS["register"])


@require_GET
@login_required
def followup_export(request, register_pk: int, fmt: str):
    """Sổ theo dõi giải quyết văn bản đến for a period (default: the current quarter)."""
    return _export(request, register_pk, fmt, **BOOKS["followup"])


# The books the print page offers: its value of "loai" → the book (see BOOKS) and its title (the template
# translates it; gettext_noop only marks it for makemessages).
PRINTS = {
    "so-den": ("register", gettext_noop("Sổ đăng ký văn bản đến")),
    "so-theo-doi": ("followup", gettext_noop("Sổ theo dõi giải quyết văn bản đến")),
}


@require_GET
@login_required
def print_registers(request):
    """In sổ văn bản đến: the register, the book and the period chosen on one page, then the file downloaded.

    A choice that cannot be printed (no register, bad dates) comes back on the page with a Vietnamese message and
    what was typed."""
    if not lifecycle.may_print_registers(request.user):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan được in sổ văn bản đến.")
    registers = visible(Register, request.user).select_related("agency")
    agency_id = getattr(request.user, "agency_id", None)
    if agency_id:
        registers = registers.filter(agency_id=agency_id)
    registers = list(registers.order_by("-is_active", "-is_default", "name", "id"))
    start, end = quarter_of(timezone.localdate())
    params = request.GET
    kind = params.get("loai") if params.get("loai") in PRINTS else "so-den"
    chosen = int_param(params.get("so"))
    register = next((r for r in registers if r.pk == chosen), None) or (registers[0] if registers else None)
    values = {
        "loai": kind,
        "so": register.pk if register else None,
        "date_from": params.get("date_from", f"{start:%d/%m/%Y}").strip()[:20],
        "date_to": params.get("date_to", f"{end:%d/%m/%Y}").strip()[:20],
    }
    errors = []
    fmt = params.get("dinh-dang")
    if fmt is not None:
        if fmt not in CONTENT_TYPES:
            errors.append("Chọn định dạng PDF hoặc Excel.")
        if params.get("so") and (chosen is None or register is None or register.pk != chosen):
            errors.append("Sổ đã chọn không còn xem được; hãy chọn lại sổ.")
        elif register is None:
            errors.append("Cơ quan chưa có sổ văn bản đến nào để in.")
        try:
            parse_period(params)
        except BadPeriod as err:
            errors.append(str(err))
        if not errors:
            return _export(request, register.pk, fmt, **BOOKS[PRINTS[kind][0]])
    context = {
        "registers": registers,
        "kinds": [(key, title) for key, (_book, title) in PRINTS.items()],
        "values": values,
        "errors": errors,
    }
    return render(request, "incoming/registers/print.html", context)


@require_GET
@login_required
def slip(request, pk: int):
    """Phiếu giải quyết văn bản đến of one visible document."""
    document = get_object_or_404(visible(IncomingDocument, request.user), pk=pk)
    data = exports.processing_slip_pdf(document)
    filename = f"phieu-giai-quyet-{ascii_slug(document.register.code)}-{document.year}-{document.arrival_number}.pdf"
    journal.record(
        "incoming.slip_printed",
        actor=request.user,
        obj=document,
        agency=document.agency_id,
        request=request,
        details={"register": document.register_id, "format": "pdf", "filename": filename},
    )
    return _attachment(data, "pdf", filename)


export_urls = [
    path("van-ban-den/in-so/", print_registers, name="incoming-print"),
    path("so-den/<int:register_pk>/xuat.<str:fmt>", register_export, name="incoming-register-export"),
    path("so-theo-doi/<int:register_pk>/xuat.<str:fmt>", followup_export, name="incoming-followup-export"),
    path("van-ban-den/<int:pk>/phieu-giai-quyet.pdf", slip, name="incoming-slip"),
]
