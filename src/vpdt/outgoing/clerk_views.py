"""The clerk's outgoing screens (SPEC §3.4–3.7, §8): issue, the outgoing register and its exports, recall.

Thin: parse input, call :mod:`.services`, render. Every list goes through :func:`vpdt.core.authz.visible`, is
paginated by keyset and never reads the draft texts. Errors raised by services are shown in Vietnamese, never as a
500. The forms of reception (:class:`ReceiveForm`, :class:`ReasonForm`) serve the exchange's queue of arrivals.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import RedirectView

from vpdt.catalog.models import DocumentType
from vpdt.core.authz import manageable, permitted, scope_of, visible
from vpdt.core.dates import DateField
from vpdt.core.pagination import ROWS_PER_PAGE, page_of, query_without_cursor
from vpdt.core.params import IntegerField
from vpdt.core.pdf import fmt_date
from vpdt.core.viewer import Viewer
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory.models import Agency, Role
from vpdt.incoming.exports_views import (
    CONTENT_TYPES,
    BadPeriod,
    _attachment,
    _bad_request,
    ascii_slug,
    parse_period,
    period_slug,
)
from vpdt.incoming.forms import agency_leaders, batch_field
from vpdt.incoming.models import Register
from vpdt.journal import services as journal
from vpdt.signing import services as signing
from vpdt.signing.models import KeyStore

from . import exports, services, signatures
from .forms import SigningFields, _passphrase
from .models import FileKind, OutgoingDocument, OutgoingFile, OutStatus
from .views import viewer_files

PAGE_SIZE = ROWS_PER_PAGE[0]  # rows of a table (the register)
# Cards of a work queue (to issue, to receive, recalls), each with its own forms: a clerk works through them one by
# one, and twenty make a page that still reads at a glance.
CARDS_PER_PAGE = 20
DATE_FORMATS = ["%d/%m/%Y"]
DATE_WIDGET = DateInput()
# Columns of the "to issue" list: never the draft texts nor the long notes.
TO_ISSUE_FIELDS = (
    "id",
    "agency_id",
    "unit_id",
    "drafter_id",
    "doc_type_id",
    "signer_id",
    "subject",
    "urgency",
    "secrecy",
    "status",
    "authority",
    "signer_position",
    "approved_at",
    "is_legal_normative",
    "doc_type__name",
    "signer__full_name",
    "drafter__full_name",
    "unit__name",
)
ORDERS = {"": ("-issued_at", "-id"), "so": ("-year", "-number", "-id")}


# ---------------------------------------------------------------------------------------------- helpers


def _date(label: str, required: bool = False):
    return DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        error_messages={
            "invalid": f"{label} không hợp lệ (nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/11/2026).",
            "required": f"{label} là bắt buộc.",
        },
    )


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for msg in errors:
            messages.error(request, msg)


def _require_clerk(request):
    scope = scope_of(request.user)
    if not (scope.is_superuser or (scope.agency_id and scope.has_role(Role.CLERK))):
        raise PermissionDenied("Chỉ văn thư của cơ quan được dùng chức năng này.")
    return scope


def _require_register_reader(request):
    scope = scope_of(request.user)
    if not (scope.is_superuser or (scope.agency_id and scope.has_role(Role.CLERK, Role.LEADER))):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan được xem sổ đăng ký văn bản đi.")
    return scope


def _doc_url(pk: int) -> str:
    try:
        return reverse("outgoing:detail", args=[pk])
    except NoReverseMatch:  # the detail screen belongs to the drafting screens and may not be routed yet
        return f"/van-ban-di/{pk}/"


# ---------------------------------------------------------------------------------------------- forms


class IssueForm(SigningFields, forms.Form):
    issued_date = _date("Ngày ban hành")
    seal = forms.BooleanField(label="Ký số cơ quan và đóng dấu", required=False)
    passphrase = _passphrase("Mật khẩu chứng thư số cơ quan")
    sign_field = "seal"
    missing = "Nhập mật khẩu chứng thư số cơ quan để ký số và đóng dấu."


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"max_length": "Lý do dài tối đa 2000 ký tự."},
    )


class RegisterFilterForm(forms.Form):
    """Filters of the outgoing register; invalid values are reported, never raised."""

    year = IntegerField(
        label="Năm",
        required=False,
        min_value=1900,
        max_value=9999,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "Năm"}),
        error_messages={
            "invalid": "Năm không hợp lệ.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
    )
    number = IntegerField(
        label="Số",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "Số"}),
        error_messages={
            "invalid": "Số văn bản không hợp lệ.",
            "min_value": "Số văn bản không hợp lệ.",
            "max_value": "Số văn bản không hợp lệ.",
        },
    )
    doc_type = forms.ModelChoiceField(
        label="Loại văn bản",
        required=False,
        queryset=DocumentType.objects.all(),
        empty_label="Mọi loại văn bản",
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Loại văn bản không hợp lệ."},
    )
    q = forms.CharField(
        label="Tìm",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "placeholder": "Trích yếu, ký hiệu"}),
        error_messages={"max_length": "Từ khóa quá dài."},
    )
    date_from = _date("Từ ngày")
    date_to = _date("Đến ngày")
    order = forms.ChoiceField(
        label="Sắp xếp",
        required=False,
        choices=[("", "Mới phát hành trước"), ("so", "Theo năm, số giảm dần")],
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Cách sắp xếp không hợp lệ."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
        return cleaned


class ReceiveForm(forms.Form):
    register = forms.ModelChoiceField(
        label="Sổ văn bản đến",
        queryset=Register.objects.none(),
        required=False,
        empty_label=None,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Sổ văn bản đến không hợp lệ."},
    )
    leader = forms.ModelChoiceField(
        label="Trình lãnh đạo",
        queryset=agency_leaders(0),
        required=False,
        empty_label="Chưa trình (trình sau)",
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Lãnh đạo được chọn không hợp lệ."},
    )
    confirm_duplicate = forms.BooleanField(label="Tôi đã kiểm tra, đây không phải văn bản trùng", required=False)
    batch = batch_field()

    def __init__(self, agency_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"] = batch_field()  # the schedule as configured now
        self.fields["register"].queryset = Register.objects.filter(agency_id=agency_id, is_active=True).order_by(
            "-is_default", "id"
        )
        self.fields["leader"].queryset = agency_leaders(agency_id)


# ---------------------------------------------------------------------------------------------- issue


@login_required
def to_issue(request):
    """Approved drafts of the agency waiting to be numbered and issued (oldest approval first)."""
    scope = _require_clerk(request)
    qs = manageable(OutgoingDocument, request.user).filter(status=OutStatus.APPROVED)
    if scope.agency_id:
        qs = qs.filter(agency_id=scope.agency_id)
    qs = qs.select_related("doc_type", "signer", "drafter", "unit").only(*TO_ISSUE_FIELDS)
    page = page_of(request, qs, order=("approved_at", "id"), default=CARDS_PER_PAGE)
    today = timezone.localdate()
    agency = scope.agency_id or (page.items[0].agency_id if page.items else None)
    credential = signing.agency_credential(agency) if agency else None
    require_both = bool(agency) and signing.policy_for(Agency(pk=agency)).require_both
    signed_ids = (
        set(
            OutgoingFile.objects.filter(document__in=page.items, kind=FileKind.SIGNED).values_list(
                "document_id", flat=True
            )
        )
        if credential
        else set()
    )
    travelling = signatures.travelling_by_document(page.items)
    signatures.mark_signed([row for found in travelling.values() for row in found])
    rows = [
        {
            "doc": d,
            "anchor": f"phat-hanh-{d.pk}",
            "files": travelling[d.pk],
            "late": d.approved_at is not None and timezone.localtime(d.approved_at).date() < today,
            "sig": {
                "usable": bool(credential and credential.keystore != KeyStore.EXTERNAL),
                "signed": d.pk in signed_ids,
                "require_both": require_both,
            },
        }
        for d in page.items
    ]
    return render(
        request,
        "outgoing/clerk/to_issue.html",
        {
            "page": page,
            "rows": rows,
            "viewer": _issue_viewer(rows),
            "query": query_without_cursor(request),
            "today": today,
        },
    )


def _issue_viewer(rows) -> Viewer:
    """One viewer for the queue: what each document would be issued with (the signer's signed PDF, the final
    originals and appendices), one document at a time ("Xem văn bản" on its card), the oldest first."""
    files = [f for row in rows for f in viewer_files(row["doc"].pk, row["files"], group=row["anchor"])]
    groups = [(row["anchor"], _caption(row["doc"])) for row in rows]
    return Viewer(files, groups=groups)


def _caption(doc) -> str:
    subject = doc.subject if len(doc.subject) <= 120 else doc.subject[:119] + "…"
    return f"{doc.doc_type.name} — {subject}" if doc.doc_type_id else subject


@login_required
@require_POST
def issue(request, pk: int):
    document = get_object_or_404(visible(OutgoingDocument, request.user), pk=pk)
    form = IssueForm(request.POST)
    back = redirect("outgoing:detail", pk=pk) if request.POST.get("next") == "detail" else redirect("outgoing:to_issue")
    if not form.is_valid():
        _form_errors(request, form)
        return back
    passphrase = form.passphrase_or_none()
    try:
        document = services.issue(
            request.user, document, issued_date=form.cleaned_data.get("issued_date"), passphrase=passphrase
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return back
    messages.success(
        request,
        f"Đã cấp số và phát hành văn bản “{document.subject[:120]}”: "
        f"Số, ký hiệu {document.number_symbol}, ngày ban hành "
        f"{fmt_date(document.issued_date)}." + (" Văn bản đã được ký số cơ quan và đóng dấu." if passphrase else ""),
    )
    return back


# ---------------------------------------------------------------------------------------------- register


def _register_qs(request, scope):
    return exports.register_queryset(permitted(OutgoingDocument, request.user, "published"), scope.agency_id)


@login_required
@require_GET
def register(request):
    """Sổ đăng ký văn bản đi of the user's agency, with the ND30 Phụ lục IV columns."""
    scope = _require_register_reader(request)
    form = RegisterFilterForm(request.GET or None)
    qs = _register_qs(request, scope)
    filter_errors, order = [], ORDERS[""]
    if form.is_bound:
        if not form.is_valid():
            filter_errors = [m for errs in form.errors.values() for m in errs]
        data = getattr(form, "cleaned_data", {})
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("number"):
            qs = qs.filter(number=data["number"])
        if data.get("doc_type"):
            qs = qs.filter(doc_type=data["doc_type"])
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(Q(subject__icontains=q) | Q(code_notation__icontains=q))
        if data.get("date_from"):
            qs = qs.filter(issued_date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(issued_date__lte=data["date_to"])
        order = ORDERS.get(data.get("order") or "", ORDERS[""])
    page = page_of(request, exports.optimize(qs), order=order, default=PAGE_SIZE)
    rows = [{"doc": d, "values": exports.register_rows([d])[0]} for d in page.items]
    export_query = {}
    if form.is_bound and not filter_errors:
        for key in ("date_from", "date_to"):
            if request.GET.get(key):
                export_query[key] = request.GET[key].strip()
    return render(
        request,
        "outgoing/clerk/register.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_cursor(request),
            "filter_errors": filter_errors,
            "columns": exports.REGISTER_COLUMNS,
            "export_query": urlencode(export_query),
        },
    )


@login_required
@require_GET
def register_export(request, fmt: str):
    """Sổ đăng ký văn bản đi for a period (default: the current quarter), PDF or XLSX."""
    fmt = (fmt or "").lower()
    if fmt not in CONTENT_TYPES:
        raise Http404("Định dạng không được hỗ trợ (chỉ PDF hoặc XLSX).")
    scope = _require_register_reader(request)
    try:
        date_from, date_to = parse_period(request.GET)
    except BadPeriod as err:
        return _bad_request(request, str(err))
    agency = request.user.agency
    documents = exports.in_period(_register_qs(request, scope), date_from, date_to)
    build = exports.outgoing_register_pdf if fmt == "pdf" else exports.outgoing_register_xlsx
    data = build(documents, agency=agency, date_from=date_from, date_to=date_to)
    code = getattr(agency, "short_name", "") or "co-quan"
    filename = f"so-di-{ascii_slug(code)}-{period_slug(date_from, date_to)}.{fmt}"
    journal.record(
        "outgoing.register_exported",
        actor=request.user,
        obj=agency,
        agency=scope.agency_id,
        request=request,
        details={
            "format": fmt,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "filename": filename,
        },
    )
    return _attachment(data, fmt, filename)


# ---------------------------------------------------------------------------------------------- recall


# The clerk's queues of electronic arrivals and of recalls to answer are the exchange's screens (every route, one
# queue each); the old addresses, kept in notifications already sent, lead there.
deliveries = RedirectView.as_view(pattern_name="exchange:arrivals", query_string=True)
recalls = RedirectView.as_view(pattern_name="exchange:recalls", query_string=True)


@login_required
@require_POST
def recall(request, pk: int):
    """Thu hồi an issued document, by the issuing agency's leaders or clerk."""
    document = get_object_or_404(visible(OutgoingDocument, request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_doc_url(document.pk))
    reason = form.cleaned_data.get("reason", "").strip()
    if not reason:
        messages.error(request, "Ghi rõ lý do thu hồi.")
        return redirect(_doc_url(document.pk))
    try:
        document = services.recall(request.user, document, reason)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, f"Đã thu hồi văn bản {document.number_symbol}. Các cơ quan đã vào sổ sẽ xác nhận thu hồi."
        )
    return redirect(_doc_url(document.pk))
