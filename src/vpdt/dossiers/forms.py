"""Forms of the dossier screens. They only parse input; the rules live in services."""

from django import forms
from django.utils import timezone

from vpdt.core.authz import scope_of
from vpdt.core.params import IntegerField
from vpdt.core.widgets import QuickSelect
from vpdt.directory.models import Role, Unit

from .models import DossierStatus, Maintenance, Rights


def _errors(label, max_length=None):
    errors = {
        "required": f"{label} là bắt buộc.",
        "invalid_choice": f"{label}: lựa chọn không hợp lệ.",
        "invalid": f"{label} không hợp lệ.",
    }
    if max_length:
        errors["max_length"] = f"{label} dài tối đa {max_length} ký tự."
    return errors


def unit_choices(user):
    """Units a user may make a dossier for: every unit of the agency for clerks and leaders, else their own."""
    scope = scope_of(user)
    qs = Unit.objects.filter(agency_id=scope.agency_id, is_active=True).order_by("name")
    if not (scope.is_superuser or scope.has_role(Role.CLERK, Role.LEADER)):
        qs = qs.filter(pk__in=list(scope.unit_ids))
    return qs


class DossierForm(forms.Form):
    title = forms.CharField(
        label="Tiêu đề hồ sơ",
        max_length=500,
        error_messages=_errors("Tiêu đề hồ sơ", 500),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    year = IntegerField(
        label="Năm (danh mục hồ sơ)",
        min_value=2000,
        max_value=2100,
        error_messages={**_errors("Năm"), "min_value": "Năm không hợp lệ.", "max_value": "Năm không hợp lệ."},
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    file_code = forms.CharField(
        label="Số và ký hiệu hồ sơ",
        max_length=50,
        required=False,
        error_messages=_errors("Số và ký hiệu hồ sơ", 50),
        help_text="Để trống để hệ thống tự đặt theo số thứ tự và đơn vị, ví dụ 01.VP.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị lập hồ sơ",
        queryset=Unit.objects.none(),
        required=False,
        error_messages=_errors("Đơn vị lập hồ sơ"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    maintenance = forms.ChoiceField(
        label="Thời hạn bảo quản",
        choices=Maintenance.choices,
        initial=Maintenance.Y10,
        error_messages=_errors("Thời hạn bảo quản"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    rights = forms.ChoiceField(
        label="Chế độ sử dụng",
        choices=Rights.choices,
        initial=Rights.OPEN,
        error_messages=_errors("Chế độ sử dụng"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    language = forms.CharField(
        label="Ngôn ngữ",
        max_length=50,
        initial="Tiếng Việt",
        required=False,
        error_messages=_errors("Ngôn ngữ", 50),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    description = forms.CharField(
        label="Chú giải",
        max_length=2000,
        required=False,
        error_messages=_errors("Chú giải", 2000),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, user, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(user)
        self.fields["year"].initial = timezone.localdate().year
        if editing:
            del self.fields["year"]
            self.fields["file_code"].required = True
            self.fields["file_code"].help_text = ""


class DossierFilterForm(forms.Form):
    year = IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Năm không hợp lệ.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "aria-label": "Năm", "placeholder": "Năm"}),
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Mọi trạng thái"), *DossierStatus.choices],
        error_messages={"invalid_choice": "Trạng thái không hợp lệ."},
        widget=QuickSelect(attrs={"class": "form-select", "aria-label": "Trạng thái"}),
    )
    q = forms.CharField(
        required=False,
        max_length=200,
        error_messages={"max_length": "Từ khóa dài tối đa 200 ký tự."},
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "aria-label": "Tìm theo tiêu đề",
                "placeholder": "Tìm theo tiêu đề, số ký hiệu hồ sơ",
            }
        ),
    )
    archive_due = forms.BooleanField(
        required=False,
        label="Sắp đến hạn / quá hạn nộp lưu",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label="Lý do rút khỏi hồ sơ",
        max_length=1000,
        error_messages=_errors("Lý do rút khỏi hồ sơ", 1000),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
