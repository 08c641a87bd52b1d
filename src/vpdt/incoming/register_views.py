"""Screens to manage an agency's incoming registers (sổ văn bản đến), SPEC §2, §8.

Thin: parse input, call :mod:`vpdt.incoming.register_services`, render. A register the user may not see is a 404;
one they see but may not manage is a 403 with a Vietnamese message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, visible
from vpdt.core.widgets import QuickSelect

from . import register_services as rs
from .lifecycle import may_print_registers
from .models import IncomingDocument, Register


class RegisterForm(forms.Form):
    name = forms.CharField(
        label="Tên sổ",
        max_length=rs.NAME_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "Tên sổ là bắt buộc.", "max_length": f"Tên sổ dài tối đa {rs.NAME_MAX} ký tự."},
    )
    code = forms.CharField(
        label="Mã sổ",
        max_length=rs.CODE_MAX,
        help_text="Chữ cái, chữ số, dấu gạch ngang (-) hoặc gạch dưới (_), tối đa 20 ký tự.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "Mã sổ là bắt buộc.", "max_length": f"Mã sổ dài tối đa {rs.CODE_MAX} ký tự."},
    )
    agency = forms.ModelChoiceField(
        label="Cơ quan",
        queryset=None,
        required=True,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"required": "Chưa chọn cơ quan.", "invalid_choice": "Cơ quan: lựa chọn không hợp lệ."},
    )
    is_default = forms.BooleanField(
        label="Đặt làm sổ mặc định", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, actor, *args, register: Register | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "code"):
            # Django's own NUL check speaks English: ours (clean_*) says it in Vietnamese.
            field = self.fields[name]
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        if register is not None:
            # Editing: the agency is fixed; default and activity have their own buttons.
            del self.fields["agency"]
            del self.fields["is_default"]
            return
        agencies = rs.manageable_agencies(actor).order_by("name")
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: a.name
        if actor.agency_id and agencies.filter(pk=actor.agency_id).exists():
            self.fields["agency"].initial = actor.agency_id
        if agencies.count() <= 1:
            self.fields["agency"].widget = forms.HiddenInput()
            only = agencies.first()
            if only is not None:
                self.fields["agency"].initial = only.pk

    def clean_name(self):
        name = self.cleaned_data["name"]
        if any(ord(c) < 32 for c in name):
            raise ValidationError("Tên sổ có ký tự điều khiển không hợp lệ.")
        return name

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not rs.CODE_RE.fullmatch(code):
            raise ValidationError(
                "Mã sổ chỉ gồm chữ cái, chữ số, dấu gạch ngang (-) và gạch dưới (_), không có khoảng trắng."
            )
        return code


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _register(request, rpk: int) -> Register:
    """A register the user sees (else 404) and may manage (else 403)."""
    register = get_object_or_404(visible(Register, request.user).select_related("agency"), pk=rpk)
    if not rs.can_manage(request.user, register):
        raise PermissionDenied(rs.DENIED)
    return register


@login_required
def register_admin_list(request):
    registers = list(
        visible(Register, request.user)
        .select_related("agency")
        .order_by("agency__name", "agency_id", "-is_default", "-is_active", "name", "id")
    )
    ids = [r.pk for r in registers]
    year = timezone.localdate().year
    counts = (
        dict(
            IncomingDocument.objects.filter(register_id__in=ids, year=year)
            .order_by()
            .values("register_id")
            .annotate(n=Count("id"))
            .values_list("register_id", "n")
        )
        if ids
        else {}
    )
    managed = set(manageable(Register, request.user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    rows = [{"register": r, "count": counts.get(r.pk, 0), "can_manage": r.pk in managed} for r in registers]
    context = {
        "rows": rows,
        "year": year,
        "can_create": rs.manageable_agencies(request.user).exists(),
        "can_print": may_print_registers(request.user),
        "several_agencies": len({r.agency_id for r in registers}) > 1,
    }
    return render(request, "incoming/registers/list.html", context)


@login_required
def register_admin_create(request):
    if not rs.manageable_agencies(request.user).exists():
        raise PermissionDenied("Chỉ văn thư hoặc quản trị của cơ quan được thêm sổ văn bản đến.")
    form = RegisterForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register = rs.create_register(
                request.user, data["agency"], data["name"], data["code"], data.get("is_default", False)
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or rs.DENIED)
        else:
            messages.success(request, f"Đã thêm sổ “{register.name}”.")
            return redirect("incoming:registers")
    return render(request, "incoming/registers/form.html", {"form": form, "register": None})


@login_required
def register_admin_edit(request, rpk: int):
    register = _register(request, rpk)
    initial = {"name": register.name, "code": register.code}
    form = RegisterForm(
        request.user, request.POST if request.method == "POST" else None, register=register, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            rs.update_register(request.user, register, name=form.cleaned_data["name"], code=form.cleaned_data["code"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or rs.DENIED)
        else:
            messages.success(request, f"Đã cập nhật sổ “{register.name}”.")
            return redirect("incoming:registers")
    return render(request, "incoming/registers/form.html", {"form": form, "register": register})


def _action(request, rpk: int, fn, done: str):
    register = _register(request, rpk)
    try:
        fn(request.user, register)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, done.format(name=register.name))
    return redirect("incoming:registers")


@require_POST
@login_required
def register_admin_set_default(request, rpk: int):
    return _action(request, rpk, rs.set_default, "Sổ “{name}” đã là sổ mặc định.")


@require_POST
@login_required
def register_admin_deactivate(request, rpk: int):
    return _action(request, rpk, rs.deactivate, "Đã ngừng sử dụng sổ “{name}”.")


@require_POST
@login_required
def register_admin_activate(request, rpk: int):
    return _action(request, rpk, rs.activate, "Đã dùng lại sổ “{name}”.")
