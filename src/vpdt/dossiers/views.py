"""Dossier screens (hồ sơ công việc). Thin: parse input, call services, render.

What a page offers is :func:`vpdt.dossiers.lifecycle.available_actions` (on an incoming document, its ``file``
action): the rules the services check, so a button is shown exactly when its action would be accepted.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from vpdt.core.authz import scope_of, visible
from vpdt.core.pagination import ROWS_PER_PAGE, page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.incoming import lifecycle as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument

from . import exports, services
from .forms import DossierFilterForm, DossierForm, RemovalForm
from .lifecycle import DOSSIER, available_actions
from .models import Dossier, DossierItem

PAGE_SIZE = ROWS_PER_PAGE[0]
LIST_FIELDS = (
    "id",
    "agency_id",
    "file_list_id",
    "ordinal",
    "file_code",
    "title",
    "maintenance",
    "rights",
    "unit_id",
    "owner_id",
    "start_date",
    "end_date",
    "doc_total",
    "page_total",
    "status",
    "closed_at",
    "file_list__year",
    "unit__name",
    "owner__full_name",
)
ACTIONS = {"close": "Đã kết thúc hồ sơ.", "reopen": "Đã mở lại hồ sơ.", "archive": "Đã nhận hồ sơ nộp lưu."}


def _flash_error(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _dossiers(request):
    return visible(Dossier, request.user)


@login_required
def dossier_list(request):
    form = DossierFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    qs = _dossiers(request).filter(file_list__year=year).select_related("file_list", "unit", "owner").only(*LIST_FIELDS)
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("q"):
        from django.db.models import Q

        q = data["q"].strip()
        qs = qs.filter(Q(title__icontains=q) | Q(file_code__icontains=q))
    if data.get("archive_due"):
        qs = qs.filter(services.archive_due_filter())
    page = page_of(request, qs, order=("ordinal", "id"), default=PAGE_SIZE)
    today = timezone.localdate()
    rows = [(d, services.archive_state(d, today)) for d in page.items]
    filter_errors = [m for errs in form.errors.values() for m in errs] if form.is_bound else []
    scope = scope_of(request.user)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "year": year,
        "query": query_without_cursor(request),
        "filter_errors": filter_errors,
        "can_create": scope.agency_id is not None,
    }
    partial = request.htmx and request.htmx.target == "dossier-rows"
    template = "dossiers/_rows.html" if partial else "dossiers/list.html"
    return render(request, template, context)


@login_required
def dossier_create(request):
    if scope_of(request.user).agency_id is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan nào nên không lập được hồ sơ.")
    form = DossierForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = services.create_dossier(
                request.user,
                title=data["title"],
                year=data["year"],
                file_code=data["file_code"],
                unit=data["unit"],
                maintenance=data["maintenance"],
                rights=data["rights"],
                language=data["language"],
                description=data["description"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Đã lập hồ sơ {dossier.file_code}.")
            return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/form.html", {"form": form, "creating": True})


@login_required
def dossier_edit(request, pk: int):
    dossier = get_object_or_404(_dossiers(request), pk=pk)
    refusal = DOSSIER.refusal(dossier, "edit", request.user)
    if refusal:
        raise PermissionDenied(refusal)
    initial = {name: getattr(dossier, name) for name in services.EDITABLE}
    form = DossierForm(request.user, request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_dossier(request.user, dossier, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu hồ sơ.")
            return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/form.html", {"form": form, "dossier": dossier})


@login_required
def detail(request, pk: int):
    dossier = get_object_or_404(_dossiers(request).select_related("file_list", "unit", "owner", "agency"), pk=pk)
    items = list(services.items_of(request.user, dossier, include_removed=True))
    hidden = dossier.doc_total - sum(1 for i in items if i.removed_at is None)
    actions = available_actions(request.user, dossier)
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "items": items,
            "hidden": max(hidden, 0),
            "actions": actions,
            "transitions": [name for name in services.TRANSITIONS if name in actions],
            "archive": services.archive_state(dossier),
            "removal_form": RemovalForm(),
        },
    )


@require_POST
@login_required
def dossier_transition(request, pk: int, action: str):
    dossier = get_object_or_404(_dossiers(request), pk=pk)
    if action not in ACTIONS:
        raise Http404("Thao tác không tồn tại.")
    try:
        services.transition(request.user, dossier, action)
    except (ValidationError, PermissionDenied) as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, ACTIONS[action])
    return redirect("dossiers:detail", pk=pk)


@require_POST
@login_required
def remove_item(request, pk: int, item_pk: int):
    dossier = get_object_or_404(_dossiers(request), pk=pk)
    item = get_object_or_404(DossierItem.objects.filter(dossier=dossier), pk=item_pk)
    form = RemovalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("dossiers:detail", pk=pk)
    try:
        services.remove_item(request.user, item, form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, "Đã rút văn bản khỏi hồ sơ; lý do đã được ghi nhật ký.")
    return redirect("dossiers:detail", pk=pk)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export(request, pk: int, fmt: str):
    if fmt not in ("pdf", "xml"):
        raise Http404("Định dạng không được hỗ trợ (chỉ PDF hoặc XML).")
    dossier = get_object_or_404(_dossiers(request).select_related("file_list", "unit", "owner", "agency"), pk=pk)
    items = list(
        services.items_of(request.user, dossier, part="content").prefetch_related("incoming__attachments__file")
    )
    if fmt == "pdf":
        data, content_type = exports.dossier_pdf(dossier, items), "application/pdf"
    else:
        data, content_type = exports.manifest_xml(dossier, items), "application/xml"
    services.record_export(request.user, dossier, fmt, len(items))
    safe_code = "".join(c if c.isalnum() else "-" for c in dossier.file_code)
    return _download(data, content_type, f"ho-so-{dossier.file_list.year}-{safe_code}.{fmt}")


@login_required
def file_list(request):
    """Danh mục hồ sơ of the user's agency for a year (printable)."""
    form = DossierFilterForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or timezone.localdate().year
    scope = scope_of(request.user)
    dossiers = list(
        _dossiers(request)
        .filter(agency_id=scope.agency_id, file_list__year=year)
        .select_related("unit", "owner")
        .order_by("ordinal")
    )
    return render(request, "dossiers/file_list.html", {"year": year, "dossiers": dossiers, "form": form})


@require_GET
@login_required
def file_list_xlsx(request, year: int):
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ.")
    scope = scope_of(request.user)
    if scope.agency_id is None:
        raise Http404("Tài khoản chưa thuộc cơ quan nào.")
    dossiers = (
        _dossiers(request)
        .filter(agency_id=scope.agency_id, file_list__year=year)
        .select_related("unit", "owner")
        .order_by("ordinal")
    )
    data = exports.file_list_xlsx(request.user.agency, year, dossiers)
    return _download(
        data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"danh-muc-ho-so-{year}.xlsx"
    )


@login_required
def incoming_panel(request, doc_pk: int):
    """On an incoming document: the dossiers it is filed in and, once completed, the filing form."""
    document = get_object_or_404(visible(IncomingDocument, request.user), pk=doc_pk)
    if request.method == "POST":
        ids = {int_param(v) for v in request.POST.getlist("dossiers")}  # None for a value that is no id
        chosen = list(_dossiers(request).filter(pk__in=ids - {None}))
        if not chosen or len(chosen) != len(ids):
            messages.error(request, "Chọn ít nhất một hồ sơ hợp lệ.")
        else:
            try:
                items = services.file_document(request.user, document, chosen)
            except (ValidationError, PermissionDenied) as exc:
                _flash_error(request, exc)
            else:
                codes = ", ".join(i.dossier.file_code for i in items)
                messages.success(request, f"Đã đưa văn bản vào hồ sơ {codes}.")
        return redirect("incoming:detail", pk=doc_pk)
    filed = list(
        DossierItem.objects.filter(incoming=document, removed_at__isnull=True, dossier__in=_dossiers(request))
        .select_related("dossier", "dossier__file_list")
        .order_by("dossier__file_code")
    )
    filed_ids = {i.dossier_id for i in filed}
    choices = []
    if incoming.DOCUMENT.can(document, "file", actor=request.user):
        choices = [d for d in services.fileable_dossiers(request.user, document) if d.pk not in filed_ids]
    return render(
        request,
        "dossiers/_incoming_panel.html",
        {"doc": document, "filed": filed, "choices": choices, "completed": document.status == DocStatus.COMPLETED},
    )
