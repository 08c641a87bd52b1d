"""Forms of the announcement and board screens. They only parse input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vpdt.core.dates import DateField
from vpdt.core.i18n import field_errors as _errors
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory import members
from vpdt.directory.models import Unit

from . import services


def _title():
    return forms.CharField(
        label=_("Tiêu đề"),
        max_length=services.TITLE_MAX,
        error_messages=_errors(_("Tiêu đề"), services.TITLE_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _body():
    return forms.CharField(
        label=_("Nội dung"),
        max_length=services.BODY_MAX,
        error_messages=_errors(_("Nội dung"), services.BODY_MAX),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 6}),
    )


class AnnouncementForm(forms.Form):
    capacity = forms.ChoiceField(
        label=_("Đăng với tư cách"),
        error_messages=_errors(_("Tư cách đăng")),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    title = _title()
    body = _body()
    whole_agency = forms.BooleanField(label=_("Gửi toàn cơ quan"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        label=_("Hoặc gửi đến các đơn vị"),
        queryset=Unit.objects.none(),
        required=False,
        error_messages=_errors(_("Đơn vị nhận")),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "data-searchable": True}),
        help_text=_("Lãnh đạo đơn vị gửi thông báo đến đơn vị mình."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = services.capacities(user)
        self.fields["capacity"].choices = [(c.code, c.label) for c in self.capacities]
        self.fields["units"].queryset = Unit.objects.filter(agency_id=user.agency_id, is_active=True).order_by("name")


class EditForm(forms.Form):
    title = _title()
    body = _body()


class PostForm(forms.Form):
    title = _title()
    body = _body()


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
        help_text=_("Để trống để gia hạn đến ngày người đăng đề nghị."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do không gia hạn"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Người trong cơ quan"),
        queryset=None,
        error_messages=_errors(_("Người được thêm")),
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    may_announce = forms.BooleanField(label=_("Được đăng thông báo (cấp ủy, ban chấp hành)"), required=False)
    is_manager = forms.BooleanField(label=_("Quản lý thành viên"), required=False)

    def __init__(self, board, can_name_managers: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members.members(board.agency_id).order_by("full_name")
        self.fields["user"].label_from_instance = lambda u: u.full_name
        if not can_name_managers:
            del self.fields["is_manager"]
