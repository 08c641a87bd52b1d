from django import forms

from vpdt.core.authz import manageable
from vpdt.core.widgets import QuickSelect

from .models import Agency, Level, Role, Unit
from .services import grantable_roles

TEXT = {"class": "form-control"}


class AgencyForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label="Cơ quan cấp trên",
        queryset=Agency.objects.none(),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "code",
            "level",
            "address",
            "phone",
            "fax",
            "email",
            "website",
            "exchange_only_with_parent",
            "is_active",
        ]
        widgets = {
            "name": forms.TextInput(attrs=TEXT),
            "short_name": forms.TextInput(attrs=TEXT),
            "code": forms.TextInput(attrs={**TEXT, "placeholder": "000.00.00.H41"}),
            "level": QuickSelect(attrs={"class": "form-select"}),
            "address": forms.TextInput(attrs=TEXT),
            "phone": forms.TextInput(attrs=TEXT),
            "fax": forms.TextInput(attrs=TEXT),
            "email": forms.EmailInput(attrs=TEXT),
            "website": forms.TextInput(attrs=TEXT),
            "exchange_only_with_parent": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, actor, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["parent"].queryset = manageable(Agency, actor).order_by("path")
            self.fields["parent"].required = not actor.is_superuser
        else:
            del self.fields["parent"]
            structural = (
                manageable(Agency, actor)
                .filter(pk=self.instance.pk)
                .exclude(pk__in=list(_only_own_admin(actor)))
                .exists()
            )
            if not structural:
                # An agency administrator edits contacts; structure belongs to the province.
                for name in ("code", "level", "exchange_only_with_parent", "is_active", "name", "short_name"):
                    self.fields[name].disabled = True


def _only_own_admin(actor):
    """Agencies the actor administers only as an agency admin (not as province admin)."""
    from vpdt.core.authz import scope_of

    scope = scope_of(actor)
    if scope.is_superuser or scope.province_path:
        return set()
    return scope.admin_agency_ids


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "parent", "email", "phone", "is_active"]
        widgets = {
            "name": forms.TextInput(attrs=TEXT),
            "short_name": forms.TextInput(attrs=TEXT),
            "parent": QuickSelect(attrs={"class": "form-select"}),
            "email": forms.EmailInput(attrs=TEXT),
            "phone": forms.TextInput(attrs=TEXT),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.instance.agency = agency
        parents = Unit.objects.filter(agency=agency)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("name")
        self.fields["parent"].required = False


ROLE_REFUSED = "Bạn không được giao vai trò này (vai trò quản trị cấp tỉnh chỉ quản trị cấp tỉnh mới giao được)."


class PositionForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Cơ quan", queryset=Agency.objects.none(), widget=QuickSelect(attrs={"class": "form-select"})
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    title = forms.CharField(label="Chức danh", max_length=100, widget=forms.TextInput(attrs=TEXT))
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices, widget=QuickSelect(attrs={"class": "form-select"}))
    is_primary = forms.BooleanField(
        label="Chức vụ chính", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = manageable(Agency, actor).order_by("path")
        self.fields["agency"].queryset = agencies
        self.fields["unit"].queryset = Unit.objects.filter(agency__in=agencies).select_related("agency")
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} — {u.agency.short_name}"
        self.fields["role"].choices = grantable_roles(actor)  # only what the actor may give
        self.fields["role"].error_messages["invalid_choice"] = ROLE_REFUSED

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") and cleaned.get("agency") and cleaned["unit"].agency_id != cleaned["agency"].pk:
            self.add_error("unit", "Đơn vị không thuộc cơ quan đã chọn.")
        return cleaned


LEVEL_CHOICES = [("", "Mọi cấp")] + list(Level.choices)
