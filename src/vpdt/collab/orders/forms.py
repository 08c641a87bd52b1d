"""Forms of the task screens. They only parse input; the rules live in services. A lead or a cooperator is chosen
in one select of units and people, coded ``u:<id>`` (a unit) or ``p:<id>`` (a person)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.dates import DateField
from vpdt.core.i18n import field_errors as _errors
from vpdt.core.widgets import DateInput

from . import services
from .models import FollowUpKind, Priority


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; their content is checked by the services (type sniffed, size)."""

    def __init__(self, **kwargs):
        super().__init__(widget=MultipleFileInput(attrs={"class": "form-control", "multiple": True}), **kwargs)

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


def _text(label, limit, required=True, rows=4):
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages=_errors(label, limit),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


def _ids(raw: str, label: str) -> list[int]:
    ids = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(
                gettext("%(label)s: “%(part)s” không phải là mã số.") % {"label": label, "part": part}
            )
        ids.append(int(part))
    return ids


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Tên nhiệm vụ"),
        max_length=services.TITLE_MAX,
        error_messages=_errors(_("Tên nhiệm vụ"), services.TITLE_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    lead = forms.ChoiceField(label=_("Chủ trì"), error_messages=_errors(_("Chủ trì")))
    cooperators = forms.MultipleChoiceField(
        label=_("Phối hợp"),
        required=False,
        error_messages=_errors(_("Phối hợp")),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )
    deadline = DateField(label=_("Hạn hoàn thành"), error_messages=_errors(_("Hạn hoàn thành")), widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Độ ưu tiên"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.NORMAL,
        error_messages=_errors(_("Độ ưu tiên")),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = _text(_("Nội dung, yêu cầu"), services.TEXT_MAX, required=False, rows=5)
    incoming_id = forms.IntegerField(required=False, widget=forms.HiddenInput())
    outgoing_ids = forms.CharField(
        label=_("Văn bản đi liên quan (mã, cách nhau bởi dấu phẩy)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    dossier_ids = forms.CharField(
        label=_("Hồ sơ liên quan (mã, cách nhau bởi dấu phẩy)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    files = MultipleFileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, actor, *args, people=None, units=None, subtask: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            people, units = services.assignable(actor)
        self.people = {p.pk: p for p in people.order_by("full_name", "pk")}
        self.units = {u.pk: u for u in (units if units is not None else []).order_by("name", "pk")}
        choices = [(f"u:{u.pk}", gettext("Đơn vị: %(unit)s") % {"unit": u.name}) for u in self.units.values()] + [
            (f"p:{p.pk}", p.full_name) for p in self.people.values()
        ]
        self.fields["lead"].choices = [("", gettext("— Chọn người hoặc đơn vị chủ trì —")), *choices]
        self.fields["lead"].widget.attrs.update({"class": "form-select", "data-testid": "lead"})
        self.fields["cooperators"].choices = choices
        if subtask:
            for name in ("incoming_id", "outgoing_ids", "dossier_ids"):
                del self.fields[name]

    def _pick(self, code: str):
        kind, _, pk = code.partition(":")
        pk = int(pk) if pk.isdigit() else None
        if kind == "u" and pk in self.units:
            return None, self.units[pk]
        if kind == "p" and pk in self.people:
            return self.people[pk], None
        raise forms.ValidationError(gettext("Lựa chọn không hợp lệ."))

    def clean_lead(self):
        return self._pick(self.cleaned_data["lead"])

    def clean_cooperators(self):
        return [self._pick(code) for code in self.cleaned_data["cooperators"]]

    def clean_outgoing_ids(self):
        return _ids(self.cleaned_data.get("outgoing_ids"), gettext("Văn bản đi"))

    def clean_dossier_ids(self):
        return _ids(self.cleaned_data.get("dossier_ids"), gettext("Hồ sơ"))

    def arguments(self) -> dict:
        data = self.cleaned_data
        lead_user, lead_unit = data["lead"]
        return {
            "title": data["title"],
            "deadline": data["deadline"],
            "priority": data["priority"],
            "description": data.get("description", ""),
            "lead_user": lead_user,
            "lead_unit": lead_unit,
            "cooperator_users": [u for u, _ in data["cooperators"] if u is not None],
            "cooperator_units": [u for _, u in data["cooperators"] if u is not None],
            "files": data.get("files") or [],
            "incoming_id": data.get("incoming_id"),
            "outgoing_ids": data.get("outgoing_ids") or [],
            "dossier_ids": data.get("dossier_ids") or [],
        }


class ReportForm(forms.Form):
    progress = forms.IntegerField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Tiến độ là bắt buộc."),
            "invalid": _("Tiến độ là số phần trăm."),
            "min_value": _("Tiến độ từ 0 đến 100."),
            "max_value": _("Tiến độ từ 0 đến 100."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    text = _text(_("Nội dung báo cáo"), services.TEXT_MAX)
    files = MultipleFileField(label=_("Tệp đính kèm"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class SubmitForm(forms.Form):
    result = _text(_("Kết quả thực hiện"), services.TEXT_MAX, required=False, rows=3)


class ExtensionForm(forms.Form):
    until = DateField(
        label=_("Đề nghị gia hạn đến ngày"), error_messages=_errors(_("Ngày gia hạn")), widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=services.REASON_MAX,
        error_messages=_errors(_("Lý do"), services.REASON_MAX),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=FollowUpKind.choices,
        error_messages=_errors(_("Hình thức")),
        widget=forms.Select(attrs={"class": "form-select", "data-testid": "followup-kind"}),
    )
    text = _text(_("Nội dung đôn đốc"), 2000, rows=3)
