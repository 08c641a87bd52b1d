"""The province administrators' screens of the exchange: connected systems and their health, registering one (its
secret shown once), renewing a secret, disconnecting, syncing the directory from the hub above; and what could not
be sent."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import partners
from .auth import DEFAULT_HEADERS
from .models import Partner, PartnerRole
from .transport import DEFAULT_PATHS

INPUT = {"class": "form-control form-control-sm"}


class PartnerForm(forms.Form):
    code = forms.CharField(label="Mã hệ thống", max_length=100, widget=forms.TextInput(INPUT))
    name = forms.CharField(label="Tên hệ thống", max_length=200, widget=forms.TextInput(INPUT))
    role = forms.ChoiceField(
        label="Vai trò", choices=PartnerRole.choices, widget=forms.Select({"class": "form-select form-select-sm"})
    )
    base_url = forms.CharField(
        label="Địa chỉ API (trục cấp trên)", max_length=200, required=False, widget=forms.TextInput(INPUT)
    )
    own_code = forms.CharField(
        label="Mã của hệ thống này tại trục cấp trên", max_length=100, required=False, widget=forms.TextInput(INPUT)
    )
    secret = forms.CharField(
        label="Khóa bí mật do trục cấp trên cấp", max_length=200, required=False, widget=forms.PasswordInput(INPUT)
    )
    api = forms.CharField(
        label="Đường dẫn và tên trường của trục (JSON, nếu khác vpdt)",
        required=False,
        max_length=4000,
        widget=forms.Textarea({**INPUT, "rows": 2, "placeholder": '{"paths": {"send": "/api/sendDocument"}}'}),
    )

    def clean_api(self):
        import json

        text = (self.cleaned_data.get("api") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError("Đường dẫn và tên trường phải là JSON hợp lệ.") from None
        allowed = {"paths": set(DEFAULT_PATHS), "headers": set(DEFAULT_HEADERS)}
        if not isinstance(value, dict) or not set(value) <= set(allowed):
            raise forms.ValidationError("JSON chỉ gồm “paths” và “headers”.")
        for part, names in value.items():
            if (
                not isinstance(names, dict)
                or not set(names) <= allowed[part]
                or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in names.values())
            ):
                raise forms.ValidationError(
                    f"“{part}” chỉ gồm các khóa: {', '.join(sorted(allowed[part]))}, mỗi giá trị là chuỗi."
                )
        return value


def _errors(request, exc) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


@login_required
@require_GET
def partner_list(request):
    partners.require_admin(request.user)
    return render(
        request,
        "exchange/partners.html",
        {"partners": partners.health(), "form": PartnerForm(), "dead": partners.dead_letters()[:50]},
    )


@login_required
@require_POST
def partner_create(request):
    partners.require_admin(request.user)
    form = PartnerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("exchange:partners")
    try:
        done = partners.register(request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("exchange:partners")
    if done.partner.role == PartnerRole.CONNECTED:
        messages.success(
            request,
            f"Đã đăng ký {done.partner.name}. Khóa bí mật (chỉ hiện một lần, gửi cho đơn vị vận hành hệ thống đó): "
            f"{done.secret}",
        )
    else:
        messages.success(request, f"Đã kết nối trục cấp trên {done.partner.name}.")
    return redirect("exchange:partners")


@login_required
@require_POST
def partner_action(request, pk: int, name: str):
    partners.require_admin(request.user)
    partner = get_object_or_404(Partner, pk=pk)
    try:
        if name == "cap-lai-khoa":
            secret = partners.renew_secret(request.user, partner)
            messages.success(request, f"Khóa bí mật mới của {partner.name} (chỉ hiện một lần): {secret}")
        elif name == "ngung":
            partners.set_active(request.user, partner, False)
            messages.success(request, f"Đã ngừng kết nối {partner.name}.")
        elif name == "ket-noi":
            partners.set_active(request.user, partner, True)
            messages.success(request, f"Đã kết nối lại {partner.name}.")
        elif name == "dong-bo":
            summary = partners.sync_directory(request.user, partner)
            messages.success(
                request,
                f"Đã đồng bộ danh bạ: thêm {summary['added']}, cập nhật {summary['updated']}, "
                f"ngừng {summary['inactive']} cơ quan.",
            )
        else:
            messages.error(request, "Thao tác không hợp lệ.")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("exchange:partners")
