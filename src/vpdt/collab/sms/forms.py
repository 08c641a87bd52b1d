"""Forms of the SMS screens. They only parse input; the rules live in :mod:`.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.core.i18n import field_errors, lazy_format
from vpdt.core.widgets import QuickSelect

from . import pending
from .services import NOTE_MAX

SELECT = {"class": "form-select"}


def _errors(label):
    return {**field_errors(label), "max_length": lazy_format(_("%(label)s quá dài."), label=label)}


def colleagues(user):
    """The active people of the person's agency (whom they may send to)."""
    return User.objects.filter(agency_id=scope_of(user).agency_id, is_active=True).order_by("full_name", "id")


class SendForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Người nhận"),
        queryset=User.objects.none(),
        empty_label=_("— Chọn người nhận —"),
        error_messages=_errors(_("Người nhận")),
        widget=QuickSelect(attrs=SELECT),
    )
    item = forms.ChoiceField(
        label=_("Việc đang chờ người nhận xử lý"),
        choices=(),
        error_messages={
            **_errors(_("Việc cần nhắc")),
            "invalid_choice": _("Việc này không (hoặc không còn) chờ người nhận."),
        },
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Lời nhắn thêm"),
        max_length=NOTE_MAX,
        required=False,
        error_messages=_errors(_("Lời nhắn thêm")),
        help_text=lazy_format(_("Tối đa %(limit)s ký tự. Tin nhắn được viết không dấu."), limit=NOTE_MAX),
        widget=forms.TextInput(attrs={"class": "form-control", "maxlength": NOTE_MAX}),
    )

    def __init__(self, sender, data=None, initial=None):
        super().__init__(data, initial=initial)
        self.sender = sender
        self.fields["recipient"].queryset = colleagues(sender)
        self.recipient = None
        raw = (data or {}).get("recipient") or (initial or {}).get("recipient")
        if raw and str(raw).isdigit():
            self.recipient = colleagues(sender).filter(pk=int(raw)).first()
        self.items = pending.items(sender, self.recipient) if self.recipient else []
        self.fields["item"].choices = [(i.key, i.label) for i in self.items]


class SettingsForm(forms.Form):
    mobile = forms.CharField(
        label=_("Số điện thoại di động nhận tin nhắn"),
        max_length=20,
        required=False,
        help_text=_("Để trống để dùng số điện thoại của tài khoản (nếu là số di động)."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel", "placeholder": "0912 345 678"}),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Nhận tin nhắn SMS về"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages=_errors(_("Loại tin nhắn")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.code, k.label) for k in pending.every()]


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Người được cấp quyền"),
        queryset=User.objects.none(),
        empty_label=_("— Chọn người —"),
        error_messages=_errors(_("Người được cấp quyền")),
        widget=QuickSelect(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=300,
        required=False,
        error_messages=_errors(_("Ghi chú")),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Theo quyết định số …")}),
    )

    def __init__(self, admin, agencies, data=None):
        super().__init__(data)
        self.fields["user"].queryset = User.objects.filter(agency__in=agencies, is_active=True).order_by(
            "full_name", "id"
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=300,
        error_messages=_errors(_("Lý do thu hồi")),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
