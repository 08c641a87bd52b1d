"""Forms of the poll screens. They only parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.dates import DateField
from vpdt.core.i18n import field_errors as _errors
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory import members
from vpdt.directory.models import Unit

from . import services
from .models import Choice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class GrantForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label=_("Người được giao"), queryset=None, error_messages=_errors(_("Người được giao")), widget=QuickSelect()
    )
    document = forms.ModelChoiceField(
        label=_("Dự thảo"),
        queryset=None,
        required=False,
        error_messages=_errors(_("Dự thảo")),
        widget=QuickSelect(),
        help_text=_("Để trống để giao lấy ý kiến về mọi dự thảo, có thời hạn."),
    )
    valid_until = DateField(
        label=_("Hiệu lực đến ngày"), required=False, error_messages=_errors(_("Ngày hết hiệu lực")), widget=DateInput()
    )

    def __init__(self, user, *args, **kwargs):
        from vpdt.core.authz import permitted
        from vpdt.outgoing.models import OutgoingDocument

        super().__init__(*args, **kwargs)
        self.fields["grantee"].queryset = members.members(user.agency_id).order_by("full_name")
        self.fields["grantee"].label_from_instance = lambda u: u.full_name
        self.fields["document"].queryset = permitted(OutgoingDocument, user, "record").order_by("-id")
        self.fields["document"].label_from_instance = lambda d: d.subject[:120]


class PollForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=services.TITLE_MAX,
        error_messages=_errors(_("Tiêu đề"), services.TITLE_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    question = forms.CharField(
        label=_("Nội dung xin ý kiến"),
        max_length=services.TEXT_MAX,
        error_messages=_errors(_("Nội dung xin ý kiến"), services.TEXT_MAX),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
    version = forms.ModelChoiceField(
        label=_("Phiên bản dự thảo"),
        queryset=None,
        required=False,
        error_messages=_errors(_("Phiên bản dự thảo")),
        widget=QuickSelect(),
    )
    upload = forms.FileField(
        label=_("Hoặc tệp dự thảo"),
        required=False,
        error_messages=_errors(_("Tệp dự thảo")),
        help_text=_("Cần quyền chung."),
    )
    deadline = DateField(label=_("Hạn trả lời"), error_messages=_errors(_("Hạn trả lời")), widget=DateInput())
    whole_agency = forms.BooleanField(label=_("Lấy ý kiến toàn cơ quan"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        label=_("Hoặc các đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages=_errors(_("Đơn vị")),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "data-searchable": True}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = services.pollable_versions(user)
        self.fields["version"].label_from_instance = lambda v: (
            gettext("%(subject)s — phiên bản %(number)s")
            % {
                "subject": v.document.subject[:100],
                "number": v.number,
            }
        )
        self.fields["units"].queryset = Unit.objects.filter(agency_id=user.agency_id, is_active=True).order_by("name")


class AnswerForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Ý kiến"), choices=Choice.choices, widget=forms.RadioSelect, error_messages=_errors(_("Ý kiến"))
    )
    text = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=services.TEXT_MAX,
        error_messages=_errors(_("Nội dung"), services.TEXT_MAX),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    files = MultipleFileField(label=_("Tệp đính kèm"), required=False)


class DeadlineForm(forms.Form):
    until = DateField(label=_("Hạn trả lời mới"), error_messages=_errors(_("Hạn trả lời mới")), widget=DateInput())


class ExtensionRequestForm(forms.Form):
    until = DateField(label=_("Đề nghị lưu đến ngày"), error_messages=_errors(_("Ngày gia hạn")), widget=DateInput())
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ExtendForm(forms.Form):
    until = DateField(
        label=_("Lưu đến ngày"),
        required=False,
        error_messages=_errors(_("Ngày gia hạn")),
        widget=DateInput(),
        help_text=_("Để trống để gia hạn đến ngày người lấy ý kiến đề nghị."),
    )


class MoreTimeForm(forms.Form):
    prefix = "more"  # beside the poll's other date fields
    until = DateField(
        label=_("Đề nghị gia hạn trả lời đến ngày"),
        error_messages=_errors(_("Ngày đề nghị gia hạn")),
        widget=DateInput(),
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class GrantMoreTimeForm(forms.Form):
    until = DateField(
        label=_("Gia hạn trả lời đến ngày"),
        required=False,
        error_messages=_errors(_("Hạn trả lời mới")),
        widget=DateInput(),
        help_text=_("Để trống để gia hạn đến ngày được đề nghị."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không gia hạn"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do không gia hạn"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
