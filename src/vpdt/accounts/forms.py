from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from vpdt.core.authz import manageable
from vpdt.core.dates import DateField
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory.forms import ROLE_REFUSED
from vpdt.directory.models import Agency, Role, Unit
from vpdt.directory.services import grantable_roles

from . import services
from .models import StatusReason

DATE_WIDGET = DateInput()


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "class": "form-control", "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản không hoạt động.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user):
        if not user.is_active:
            from vpdt.journal import services as journal

            journal.record(
                "auth.login_refused", actor=None, obj=user, request=self.request, details={"status": user.status}
            )
            raise forms.ValidationError(services.status_message(user), code="inactive")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Mật khẩu hiện tại (hoặc mật khẩu được cấp lần đầu)",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="Mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label="Nhập lại mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("Mật khẩu hiện tại không đúng.")
        return old

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", "Hai mật khẩu mới không khớp nhau.")
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return cleaned


class AccountCreateForm(forms.Form):
    full_name = forms.CharField(
        label="Họ và tên", max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    birth_date = DateField(
        label="Ngày sinh", required=False, widget=DATE_WIDGET, help_text="Dùng để phân biệt khi trùng tên đăng nhập."
    )
    email = forms.EmailField(
        label="Thư điện tử công vụ", required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    phone = forms.CharField(
        label="Điện thoại", max_length=30, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    agency = forms.ModelChoiceField(
        label="Cơ quan", queryset=Agency.objects.none(), widget=QuickSelect(attrs={"class": "form-select"})
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label="Chức danh",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "Chuyên viên"}),
    )
    role = forms.ChoiceField(
        label="Vai trò", choices=Role.choices, initial=Role.STAFF, widget=QuickSelect(attrs={"class": "form-select"})
    )
    username = forms.CharField(
        label="Tên đăng nhập (để trống để tự sinh theo quy tắc)",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    is_organisational = forms.BooleanField(
        label="Tài khoản của tổ chức (ví dụ vhtt<huyện>)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = manageable(Agency, actor).filter(is_active=True).order_by("path")
        self.fields["agency"].queryset = agencies
        self.fields["unit"].queryset = (
            Unit.objects.filter(agency__in=agencies, is_active=True)
            .select_related("agency")
            .order_by("agency__path", "name")
        )
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} — {u.agency.short_name}"
        self.fields["role"].choices = grantable_roles(actor)  # only what the administrator may give
        self.fields["role"].error_messages["invalid_choice"] = ROLE_REFUSED
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()

    def clean(self):
        cleaned = super().clean()
        unit, agency = cleaned.get("unit"), cleaned.get("agency")
        if unit and agency and unit.agency_id != agency.pk:
            self.add_error("unit", "Đơn vị không thuộc cơ quan đã chọn.")
        if cleaned.get("role") == Role.UNIT_LEADER and not unit:
            self.add_error("unit", "Lãnh đạo đơn vị phải gắn với một đơn vị.")
        return cleaned


class LockForm(forms.Form):
    reason = forms.ChoiceField(
        label="Lý do khóa",
        choices=[
            (StatusReason.COMPROMISED, StatusReason.COMPROMISED.label),
            (StatusReason.AGENCY_REQUEST, StatusReason.AGENCY_REQUEST.label),
            (StatusReason.LAW_VIOLATION, StatusReason.LAW_VIOLATION.label),
            (StatusReason.USER_REQUEST, StatusReason.USER_REQUEST.label),
            (StatusReason.OTHER, StatusReason.OTHER.label),
        ],
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="Ghi chú", max_length=500, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Lý do",
        max_length=500,
        min_length=5,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"min_length": "Phải ghi rõ lý do (ít nhất 5 ký tự).", "required": "Phải ghi rõ lý do."},
    )
