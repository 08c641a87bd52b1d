"""Forms of the incoming-document screens. They only parse input; every rule lives in services."""

from django import forms
from django.conf import settings
from django.urls import reverse

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.authz import visible
from vpdt.core.dates import DateField
from vpdt.core.params import IntegerField
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory import members
from vpdt.directory.models import Position, Role, Unit

from . import services
from .models import DocStatus, NoteKind, Register

DATE_WIDGET = DateInput()
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (định dạng dd/mm/yyyy)."}


def _text(label, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
        error_messages={"required": f"{label} là bắt buộc.", "max_length": f"{label} dài tối đa {max_length} ký tự."},
    )


def _date(label, required=False):
    return DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        error_messages={**DATE_ERRORS, "required": f"{label} là bắt buộc."},
    )


def _select(label, queryset, required=False):
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"required": f"{label} là bắt buộc.", "invalid_choice": f"{label}: lựa chọn không hợp lệ."},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Accepts several files; their content is checked by services (type sniffing, size, malware)."""

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


def agency_leaders(agency_id):
    """The leaders a document may be submitted to: the same rule as the services (directory.members)."""
    return members.members(agency_id, roles=(Role.LEADER,)).order_by("full_name")


def batch_field() -> forms.BooleanField:
    """“Chờ đợt trình theo lịch (9:00, 15:00)”: left unticked, “Trình lãnh đạo” submits at once; ticked, a document
    that is not urgent waits for the next batch of the schedule (VPDT_INCOMING_BATCH_CRON)."""
    minute, hour = (settings.VPDT_INCOMING_BATCH_CRON.split() + ["", ""])[:2]
    hours = hour.split(",")
    times = ""
    if minute.isdigit() and all(h.isdigit() for h in hours):
        times = " (" + ", ".join(f"{int(h)}:{int(minute):02d}" for h in hours) + ")"
    return forms.BooleanField(
        label=f"Chờ đợt trình theo lịch{times}, không trình ngay",
        help_text="Văn bản khẩn luôn được trình ngay.",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def agency_people(agency_id):
    return members.members(agency_id).order_by("full_name")


class RegistrationForm(forms.Form):
    register = _select("Sổ đăng ký", Register.objects.none())
    issuer_name = _text("Cơ quan ban hành", 200, required=True)
    issuer_code = _text("Mã định danh cơ quan ban hành", 40)
    code_number = _text("Số", 11)
    code_notation = _text("Ký hiệu", 30)
    issued_date = _date("Ngày văn bản", required=True)
    doc_type = _select("Loại văn bản", DocumentType.objects.filter(is_active=True), required=True)
    subject = forms.CharField(
        label="Trích yếu",
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Trích yếu là bắt buộc.", "max_length": "Trích yếu dài tối đa 500 ký tự."},
    )
    page_amount = IntegerField(
        label="Số trang",
        required=False,
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "invalid": "Số trang phải là số nguyên.",
            "min_value": "Số trang phải từ 1 trở lên.",
            "max_value": "Số trang quá lớn.",
        },
    )
    signer_name = _text("Người ký", 50)
    signer_position = _text("Chức vụ người ký", 100)
    urgency = forms.TypedChoiceField(
        label="Độ khẩn",
        choices=Urgency.choices,
        coerce=int,
        initial=Urgency.NORMAL,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ."},
    )
    due_date = _date("Hạn xử lý theo văn bản")
    to_places = _text("Nơi nhận", 1000)
    description = _text("Ghi chú", 500)
    needs_reply = forms.BooleanField(
        label="Văn bản có yêu cầu phúc đáp",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reply_due = _date("Hạn phúc đáp")
    field = _select("Lĩnh vực", Field.objects.none())
    secrecy = forms.ChoiceField(
        label="Độ mật",
        choices=Secrecy.choices,
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Độ mật không hợp lệ."},
    )
    restricted_category = forms.ChoiceField(
        label="Loại nội dung",
        choices=services.RestrictedCategory.CHOICES,
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Loại nội dung không hợp lệ."},
    )
    leader = _select("Trình lãnh đạo", User.objects.none())
    batch = batch_field()
    files = MultipleFileField(
        label="Tệp văn bản (bản quét PDF hoặc bản điện tử; chọn được nhiều tệp)",
        required=False,
        widget=MultipleFileInput(attrs={"class": "form-control"}),
    )
    confirm_duplicate = forms.BooleanField(
        label="Tôi xác nhận đây là văn bản khác",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_name"].widget.attrs.update(
            {"data-suggest-url": reverse("incoming:issuer_suggestions"), "data-suggest-fill": "code:issuer_code"}
        )
        agency_id = actor.agency_id
        registers = visible(Register, actor).filter(agency_id=agency_id, is_active=True).order_by("-is_default", "id")
        self.fields["register"].queryset = registers
        default = registers.first()
        if default is not None:
            self.fields["register"].initial = default.pk
            self.fields["register"].empty_label = None
        else:
            self.fields["register"].empty_label = "Sổ văn bản đến (tạo tự động)"
        self.fields["field"].queryset = Field.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
        self.fields["leader"].queryset = agency_leaders(agency_id)
        self.fields["leader"].label_from_instance = lambda u: u.full_name
        self.fields["batch"] = batch_field()  # the schedule as configured now


class RegisterFilterForm(forms.Form):
    """Filters of the incoming register; invalid values are reported, never raised."""

    register = _select("Sổ", Register.objects.none())
    year = IntegerField(
        label="Năm",
        required=False,
        min_value=1900,
        max_value=9999,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "Năm"}),
        error_messages={
            "invalid": "Năm không hợp lệ.",
            "min_value": "Năm không hợp lệ.",
            "max_value": "Năm không hợp lệ.",
        },
    )
    number = IntegerField(
        label="Số đến",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "Số đến"}),
        error_messages={
            "invalid": "Số đến không hợp lệ.",
            "min_value": "Số đến không hợp lệ.",
            "max_value": "Số đến không hợp lệ.",
        },
    )
    q = forms.CharField(
        label="Tìm",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "placeholder": "Trích yếu, số ký hiệu, cơ quan ban hành"}
        ),
        error_messages={"max_length": "Từ khóa quá dài."},
    )
    urgency = forms.TypedChoiceField(
        label="Độ khẩn",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Mọi độ khẩn"), *Urgency.choices],
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ."},
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Mọi trạng thái"), *DocStatus.choices],
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Trạng thái không hợp lệ."},
    )
    date_from = _date("Từ ngày")
    date_to = _date("Đến ngày")

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = visible(Register, actor).order_by("agency_id", "-is_default", "id")
        self.fields["register"].empty_label = "Mọi sổ"
        for field in self.fields.values():  # a row of filters without visible labels: each names itself
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau “Từ ngày”.")
        return cleaned


class DirectionForm(forms.Form):
    direction = forms.CharField(
        label="Ý kiến chỉ đạo",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        error_messages={"required": "Ý kiến chỉ đạo là bắt buộc."},
    )
    deadline = _date("Thời hạn giải quyết")
    field = _select("Lĩnh vực", Field.objects.none())
    lead = forms.MultipleChoiceField(
        label="Xử lý chính (chọn đúng một đơn vị hoặc cá nhân)",
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        error_messages={"invalid_choice": "Nơi nhận không hợp lệ."},
    )
    cooperate = forms.MultipleChoiceField(
        label="Phối hợp",
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        error_messages={"invalid_choice": "Nơi nhận không hợp lệ."},
    )
    inform = forms.MultipleChoiceField(
        label="Để biết",
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
        error_messages={"invalid_choice": "Nơi nhận không hợp lệ."},
    )

    def __init__(self, document, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(Unit.objects.filter(agency_id=document.agency_id, is_active=True).order_by("name"))
        people = list(agency_people(document.agency_id))
        self._units = {f"u{u.pk}": u for u in units}
        self._people = {f"p{p.pk}": p for p in people}
        choices = [
            ("Đơn vị", [(k, u.name) for k, u in self._units.items()]),
            ("Cá nhân", [(k, p.full_name) for k, p in self._people.items()]),
        ]
        for name in ("lead", "cooperate", "inform"):
            self.fields[name].choices = choices
        self.fields["field"].queryset = Field.objects.filter(agency_id=document.agency_id, is_active=True)
        if document.field_id:
            self.fields["field"].initial = document.field_id
        if document.due_date:
            self.fields["deadline"].initial = document.due_date

    def targets(self):
        result = []
        deadline = self.cleaned_data.get("deadline")
        for role in ("lead", "cooperate", "inform"):
            for key in self.cleaned_data.get(role) or []:
                unit, user = self._units.get(key), self._people.get(key)
                result.append(
                    services.Target(role, unit=unit, user=user, deadline=deadline if role != "inform" else None)
                )
        return result


class DistributeForm(forms.Form):
    user = _select("Chuyên viên", User.objects.none(), required=True)
    deadline = _date("Hạn xử lý")
    opinion = forms.CharField(
        label="Ý kiến giao việc",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, unit_id, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            pk__in=Position.objects.filter(unit_id=unit_id, is_active=True).values("user_id"), is_active=True
        ).order_by("full_name")
        self.fields["user"].label_from_instance = lambda u: u.full_name


class ReassignForm(DistributeForm):
    reason = forms.CharField(
        label="Lý do chuyển",
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "Phải ghi lý do chuyển."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Phải ghi rõ lý do."},
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại",
        choices=[(NoteKind.PROGRESS, NoteKind.PROGRESS.label), (NoteKind.PROPOSAL, NoteKind.PROPOSAL.label)],
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Loại ghi chú không hợp lệ.", "required": "Chọn loại ghi chú."},
    )
    text = forms.CharField(
        label="Nội dung",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Nội dung là bắt buộc."},
    )


class ResultForm(forms.Form):
    result = forms.CharField(
        label="Kết quả xử lý",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Phải ghi kết quả xử lý."},
    )


class ReplyForm(forms.Form):
    subject = forms.CharField(
        label="Trích yếu văn bản trả lời",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def mark_prefill(form, suggestion) -> None:
    """Show the clerk which fields came from the scan: a note under each, and fields read with low confidence
    (or not read at all) outlined, so they are checked against the scan before registering."""
    from vpdt.digitize.scans import FORM_FIELDS, LOW

    for name in FORM_FIELDS:
        if name not in form.fields:
            continue
        widget = form.fields[name].widget
        confidence = suggestion.confidence.get(name)
        if not suggestion.initial.get(name):
            hint, level = "Không đọc được từ bản quét: hãy nhập theo bản quét.", "low"
        elif confidence < LOW:
            hint, level = f"Đọc từ bản quét, độ tin cậy thấp ({confidence:.0%}): hãy đối chiếu.", "low"
        else:
            hint, level = f"Đọc từ bản quét ({confidence:.0%}).", "ok"
        if suggestion.notes.get(name) and suggestion.initial.get(name):
            hint += " " + suggestion.notes[name]  # why: a mismatch with the directory, a doubtful letter
        css = "prefill-low border-warning border-2" if level == "low" else "prefill-ok"
        widget.attrs = {
            **widget.attrs,
            "class": f"{widget.attrs.get('class', '')} {css}".strip(),
            "data-prefill": level,
        }
        form.fields[name].prefill_hint = hint
        form.fields[name].prefill_level = level
    if suggestion.authority and "signer_position" in form.fields:
        form.fields["signer_position"].prefill_hint += f" Thẩm quyền ký trên văn bản: {suggestion.authority}."
