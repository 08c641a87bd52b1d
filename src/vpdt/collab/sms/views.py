"""SMS screens: the messages one sent and received (an agency administrator: the agency's), the send form, a
person's settings (mobile number, types of message refused), the grants page of the administrators, and the
gateway's delivery reports. Thin: parse input, call services, render."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vpdt.core.authz import scope_of
from vpdt.core.pagination import page_of, query_without_cursor

from . import delivery, pending, queries, services
from .forms import GrantForm, RevokeForm, SendForm, SettingsForm
from .models import SmsStatus


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def message_list(request):
    box = request.GET.get("hop", "tat-ca")
    if box not in queries.BOXES:
        box = "tat-ca"
    page = page_of(request, queries.messages(request.user, box))
    context = {
        "page": page,
        "box": box,
        "boxes": queries.BOXES,
        "query": query_without_cursor(request),
        "may_send": queries.may_send(request.user),
        "kinds": {k.code: k.label for k in pending.every()},
        "statuses": SmsStatus,
    }
    return render(request, "sms/list.html", context)


@login_required
def message_detail(request, pk: int):
    message = get_object_or_404(queries.messages(request.user).select_related("agency"), pk=pk)
    kinds = {k.code: k.label for k in pending.every()}
    return render(
        request,
        "sms/detail.html",
        {"message": message, "kind": kinds.get(message.kind, gettext("Thông báo của hệ thống"))},
    )


@login_required
def send(request):
    if request.method == "POST":
        services.require_grant(request.user)  # a refused attempt is journaled
    elif not queries.may_send(request.user):
        raise PermissionDenied(services.NOT_AUTHORISED)
    if request.method == "POST":
        form = SendForm(request.user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = services.send(request.user, data["recipient"], data["item"], data["note"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                message.refresh_from_db()
                status = message.get_status_display().lower()
                flash.success(
                    request,
                    gettext("Đã gửi tin nhắn cho %(name)s: %(status)s.")
                    % {"name": message.recipient.full_name, "status": status},
                )
                return redirect("sms:detail", pk=message.pk)
    else:
        form = SendForm(request.user, initial={k: request.GET[k] for k in ("recipient", "item") if k in request.GET})
    template = "sms/_items.html" if request.htmx and request.method == "GET" else "sms/send.html"
    return render(request, template, {"form": form, "max_length": settings.VPDT_SMS_MAX_LENGTH})


@login_required
def sms_settings(request):
    user = request.user
    refused = services.opted_out(user)
    initial = {
        "mobile": user.sms_profile.mobile if hasattr(user, "sms_profile") else "",
        "kinds": [k.code for k in pending.every() if k.code not in refused],
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # both or neither
                services.set_mobile(user, form.cleaned_data["mobile"])
                wanted = set(form.cleaned_data["kinds"])
                services.set_opt_outs(user, {k.code for k in pending.every()} - wanted)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            flash.success(request, gettext("Đã lưu cài đặt tin nhắn SMS."))
            return redirect("sms:settings")
    return render(request, "sms/settings.html", {"form": form, "number": services.mobile_of(user)})


def _administrator(request):
    if not queries.may_administer(scope_of(request.user)):
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống của cơ quan quản lý quyền gửi tin nhắn SMS."))


@login_required
def grants(request):
    _administrator(request)
    agencies = services.administered_agencies(request.user)
    form = GrantForm(request.user, agencies, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.grant(request.user, form.cleaned_data["user"], form.cleaned_data["note"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(
                request, gettext("Đã cấp quyền gửi tin nhắn SMS cho %(name)s.") % {"name": created.user.full_name}
            )
            return redirect("sms:grants")
    rows = queries.grants(request.user).order_by("revoked_at", "-granted_at", "-id")
    page = page_of(request, rows.filter(revoked_at__isnull=True), order=("-id",))
    revoked = rows.filter(revoked_at__isnull=False).order_by("-revoked_at", "-id")[:50]
    return render(
        request, "sms/grants.html", {"form": form, "page": page, "revoked": revoked, "revoke_form": RevokeForm()}
    )


@login_required
@require_POST
def revoke(request, pk: int):
    _administrator(request)
    grant = get_object_or_404(queries.grants(request.user), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                flash.error(request, error)
        return redirect("sms:grants")
    try:
        services.revoke(request.user, grant, form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        flash.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        flash.success(
            request, gettext("Đã thu hồi quyền gửi tin nhắn SMS của %(name)s.") % {"name": grant.user.full_name}
        )
    return redirect("sms:grants")


@csrf_exempt
@require_POST
def report(request):
    """A delivery report from the gateway: JSON ``{"ref": "...", "status": "delivered" | "failed"}`` with the
    shared secret in the ``X-Vpdt-Sms-Token`` header. Without a configured secret nothing is taken (404)."""
    secret = settings.VPDT_SMS_REPORT_TOKEN
    if not secret:
        raise Http404(gettext("Không nhận báo cáo chuyển tin."))
    given = request.headers.get("X-Vpdt-Sms-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": gettext("Sai mã xác thực.")}, status=403)
    try:
        data = json.loads(request.body or b"{}")
        delivery.report(str(data.get("ref", "")), str(data.get("status", "")))
    except (ValueError, AttributeError):
        return JsonResponse({"detail": gettext("Báo cáo chuyển tin phải là JSON có ref và status.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages)}, status=400)
    return JsonResponse({"detail": gettext("Đã ghi nhận.")})
