"""Forms of internal mail. The recipient picker is one multiple select of the agency's units and people (the page
script makes it searchable, with removable chips: vpdt/forms.js, Tom Select)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.i18n import lazy_format
from vpdt.core.widgets import QuickSelect

from . import services
from .models import Kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; their content is checked by the services (type sniffed, size, malware)."""

    def __init__(self, **kwargs):
        super().__init__(widget=MultipleFileInput(attrs={"class": "form-control", "multiple": True}), **kwargs)

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


class RecipientsField(forms.MultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"class": "form-select", "size": 6, "data-testid": "recipients"})


class ComposeForm(forms.Form):
    recipients = RecipientsField(
        label=_("Gửi đến (đơn vị, cá nhân)"),
        required=False,
        error_messages={"invalid_choice": _("Nơi nhận không hợp lệ: %(value)s.")},
        help_text=_("Gửi đến một đơn vị là gửi đến mọi người đang công tác tại đơn vị đó lúc gửi."),
    )
    kind = forms.ChoiceField(
        label=_("Loại thư"),
        choices=Kind.choices,
        initial=Kind.LETTER,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    subject = forms.CharField(
        label=_("Tiêu đề"),
        max_length=services.MAX_SUBJECT,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={
            "required": _("Tiêu đề thư là bắt buộc."),
            "max_length": lazy_format(_("Tiêu đề thư dài tối đa %(limit)s ký tự."), limit=services.MAX_SUBJECT),
        },
    )
    body = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 8}),
        error_messages={
            "max_length": lazy_format(_("Nội dung thư dài tối đa %(limit)s ký tự."), limit=services.MAX_BODY)
        },
    )
    files = MultipleFileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, agency_id, *args, fixed_recipients: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        units, people = services.people_and_units(agency_id)
        self._units = {f"u{u.pk}": u for u in units}
        self._people = {f"p{p.pk}": p for p in people}
        self.fields["recipients"].choices = [
            (gettext("Đơn vị"), [(k, u.name) for k, u in self._units.items()]),
            (gettext("Cá nhân"), [(k, p.full_name) for k, p in self._people.items()]),
        ]
        if fixed_recipients:  # a reply: its addressees are decided by what it answers
            del self.fields["recipients"]

    def chosen(self) -> tuple[list, list]:
        """(users, units) chosen."""
        keys = self.cleaned_data.get("recipients") or []
        return [self._people[k] for k in keys if k in self._people], [self._units[k] for k in keys if k in self._units]


def initial_recipients(users, units) -> list[str]:
    return [f"u{u.pk}" for u in units] + [f"p{u.pk}" for u in users]


class FolderForm(forms.Form):
    name = forms.CharField(
        label=_("Tên thư mục"),
        max_length=services.MAX_FOLDER_NAME,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        error_messages={"required": _("Tên thư mục là bắt buộc.")},
    )
