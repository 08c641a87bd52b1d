"""The clerk's screen of documents from other systems: read them (metadata, files, the package's XML signature),
register one with one action, or refuse it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from vpdt.catalog.models import Urgency
from vpdt.core.authz import permitted
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.incoming import services as incoming
from vpdt.incoming.forms import agency_leaders
from vpdt.incoming.models import Register
from vpdt.outgoing.clerk_views import ReasonForm, ReceiveForm, _errors, _require_clerk

from . import arrivals, outbox, recalls
from .edxml.values import PackageError
from .models import Message

CARDS_PER_PAGE = 20


def _page(request, scope, *, duplicate=None):
    page = page_of(request, arrivals.waiting_for(request.user), order=("-id",), default=CARDS_PER_PAGE)
    for message in page.items:
        message.duplicate_warning = (duplicate or {}).get(message.pk)
        message.urgency_label = Urgency(message.urgency).label if message.urgency in Urgency.values else ""
    agency_id = scope.agency_id or (page.items[0].agency_id if page.items else None)
    return {
        "page": page,
        "query": query_without_cursor(request),
        "registers": list(
            Register.objects.filter(agency_id=agency_id, is_active=True)
            .order_by("-is_default", "id")
            .only("id", "name", "is_default")
        ),
        "leaders": list(agency_leaders(agency_id).only("id", "full_name")),
        "recalls": list(recalls.waiting_for(request.user)[:50]),
    }


@login_required
@require_GET
def arrival_list(request):
    """Văn bản đến từ hệ thống khác: packages for this agency waiting to be registered or refused."""
    scope = _require_clerk(request)
    return render(request, "exchange/arrivals.html", _page(request, scope))


@login_required
@require_GET
def arrival_file(request, pk: int, index: int):
    """One attachment of a waiting arrival, read from its package."""
    message = get_object_or_404(arrivals.waiting_for(request.user), pk=pk)
    try:
        package = arrivals.read_package(message)
    except PackageError:
        raise Http404("Không đọc lại được gói tin.") from None
    if not 0 <= index < len(package.attachments):
        package.close()
        raise Http404("Gói tin không có tệp này.")
    chosen = package.attachments[index]
    for other in package.attachments:
        if other is not chosen:
            other.content.close()
    chosen.content.seek(0)
    return FileResponse(
        chosen.content,
        as_attachment=True,
        filename=chosen.name,
        content_type=chosen.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def register(request, pk: int):
    scope = _require_clerk(request)
    message = get_object_or_404(arrivals.waiting_for(request.user), pk=pk)
    form = ReceiveForm(message.agency_id, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("exchange:arrivals")
    data = form.cleaned_data
    try:
        registered = arrivals.register(
            request.user,
            message,
            register=data.get("register"),
            leader=data.get("leader"),
            confirm_duplicate=data.get("confirm_duplicate"),
        )
    except incoming.DuplicateWarning as exc:
        messages.warning(request, " ".join(exc.messages))
        context = _page(
            request, scope, duplicate={message.pk: {"message": " ".join(exc.messages), "existing": exc.existing}}
        )
        return render(request, "exchange/arrivals.html", context)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("exchange:arrivals")
    document = registered.document
    messages.success(
        request,
        f"Đã tiếp nhận văn bản {message.code} của {message.sender_name}: vào sổ số đến {document.arrival_number}.",
    )
    return redirect(f"/van-ban-den/{document.pk}/")


@login_required
@require_POST
def refuse(request, pk: int):
    _require_clerk(request)
    message = get_object_or_404(arrivals.waiting_for(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("exchange:arrivals")
    try:
        arrivals.refuse(request.user, message, form.cleaned_data.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Đã từ chối tiếp nhận văn bản {message.code}; cơ quan gửi được báo lý do.")
    return redirect("exchange:arrivals")


@login_required
@require_POST
def recall_answer(request, pk: int, answer: str):
    """The clerk's answer to a recall of a registered document: agree (it is withdrawn) or refuse with a reason."""
    _require_clerk(request)
    message = get_object_or_404(recalls.waiting_for(request.user), pk=pk)
    try:
        if answer == "dong-y":
            recalls.confirm(request.user, message)
            messages.success(request, f"Đã thu hồi văn bản {message.code}; cơ quan gửi được báo.")
        elif answer == "tu-choi":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
            recalls.refuse(request.user, message, reason)
            messages.success(request, f"Đã từ chối thu hồi văn bản {message.code}; cơ quan gửi được báo lý do.")
        else:
            raise Http404("Không có thao tác này.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("exchange:arrivals")


@login_required
@require_GET
def failed_list(request):
    """Gói tin gửi không được: the agency's messages that could not be sent, to send again."""
    _require_clerk(request)
    page = page_of(
        request, permitted(Message, request.user, "resend").select_related("partner"), order=("-id",), default=50
    )
    return render(request, "exchange/failed.html", {"page": page, "query": query_without_cursor(request)})


@login_required
@require_POST
def resend(request, pk: int):
    _require_clerk(request)
    message = get_object_or_404(permitted(Message, request.user, "resend"), pk=pk)
    try:
        outbox.resend(request.user, message)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"Đã đưa gói tin {message.document_id} gửi {message.to_organ} vào hàng đợi gửi lại.")
    return redirect("exchange:failed")
