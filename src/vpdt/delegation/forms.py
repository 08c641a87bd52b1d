from django import forms

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.core.dates import DateField
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory import members

from .models import DelegationScope

DATE = DateInput()


def _errors(label):
    return {
        "required": f"{label} là bắt buộc.",
        "invalid": f"{label} không hợp lệ (dd/mm/yyyy).",
        "invalid_choice": f"{label}: lựa chọn không hợp lệ.",
    }


class DelegationForm(forms.Form):
    delegator = forms.ModelChoiceField(
        label="Người ủy quyền",
        queryset=User.objects.none(),
        error_messages=_errors("Người ủy quyền"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    delegate = forms.ModelChoiceField(
        label="Người được ủy quyền",
        queryset=User.objects.none(),
        error_messages=_errors("Người được ủy quyền"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    scope = forms.ChoiceField(
        label="Phạm vi",
        choices=DelegationScope.choices,
        error_messages=_errors("Phạm vi"),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    starts_on = DateField(label="Từ ngày", widget=DATE, error_messages=_errors("Từ ngày"))
    ends_on = DateField(label="Đến hết ngày", widget=DATE, error_messages=_errors("Đến ngày"))
    reason = forms.CharField(
        label="Lý do",
        max_length=500,
        error_messages={**_errors("Lý do"), "max_length": "Lý do tối đa 500 ký tự."},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    reference = forms.CharField(
        label="Văn bản ủy quyền (số, ký hiệu)",
        max_length=100,
        required=False,
        error_messages={"max_length": "Tối đa 100 ký tự."},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        # The people the service accepts: a current position in the agency and an active account.
        colleagues = members.members(user.agency_id).order_by("full_name")
        self.fields["delegate"].queryset = colleagues.exclude(pk=user.pk) if user.agency_id else User.objects.none()
        if scope.is_superuser or user.agency_id in scope.admin_agency_ids:
            self.fields["delegator"].queryset = colleagues
            self.fields["delegate"].queryset = colleagues
            self.fields["delegator"].initial = user.pk
        else:
            self.fields["delegator"].queryset = User.objects.filter(pk=user.pk)
            self.fields["delegator"].initial = user.pk
