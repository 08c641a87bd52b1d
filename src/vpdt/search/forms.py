"""The search form (simple box and advanced filters), shared by the screen and the API."""

from __future__ import annotations

from django import forms

from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import scope_of
from vpdt.core.dates import DateField
from vpdt.core.params import IntegerField
from vpdt.core.widgets import DateInput, QuickSelect
from vpdt.directory import members
from vpdt.directory.models import Unit

from . import documents
from .models import USER_KINDS
from .services import MAX_PAGE, Criteria

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
SELECT = {"class": "form-select"}


def _date(label):
    return DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": f"{label}: ngày không hợp lệ (định dạng dd/mm/yyyy)."},
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Từ khóa",
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "autofocus": True,
                "placeholder": 'Trích yếu, số ký hiệu, nội dung… (đặt trong "…" để tìm cụm từ)',
            }
        ),
        error_messages={"max_length": "Từ khóa quá dài (tối đa 300 ký tự)."},
    )
    exact = forms.BooleanField(
        label="Chính xác (phân biệt dấu)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    kind = forms.MultipleChoiceField(
        label="Loại đối tượng",
        required=False,
        choices=USER_KINDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Loại đối tượng không hợp lệ."},
    )
    doc_type = forms.ModelChoiceField(
        label="Loại văn bản",
        required=False,
        queryset=DocumentType.objects.all(),
        empty_label="Mọi loại văn bản",
        widget=QuickSelect(attrs=SELECT),
        error_messages={"invalid_choice": "Loại văn bản không hợp lệ."},
    )
    issuer = forms.CharField(
        label="Cơ quan ban hành",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "Tên hoặc mã định danh"}),
        error_messages={"max_length": "Cơ quan ban hành: tối đa 200 ký tự."},
    )
    date_from = _date("Từ ngày")
    date_to = _date("Đến ngày")
    urgency = forms.TypedChoiceField(
        label="Độ khẩn",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Mọi độ khẩn"), *Urgency.choices],
        widget=QuickSelect(attrs=SELECT),
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ."},
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=documents.status_choices,
        widget=QuickSelect(attrs=SELECT),
        error_messages={"invalid_choice": "Trạng thái không hợp lệ."},
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="Mọi đơn vị",
        widget=QuickSelect(attrs=SELECT),
        error_messages={"invalid_choice": "Đơn vị không hợp lệ."},
    )
    handler = forms.ModelChoiceField(
        label="Người xử lý",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="Mọi người xử lý",
        widget=QuickSelect(attrs=SELECT),
        error_messages={"invalid_choice": "Người xử lý không hợp lệ."},
    )
    page = IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Số trang không hợp lệ.",
            "min_value": "Số trang không hợp lệ.",
            "max_value": f"Chỉ xem được tối đa {MAX_PAGE} trang kết quả; hãy thu hẹp điều kiện tìm kiếm.",
        },
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = scope_of(user).agency_id
        self.fields["unit"].queryset = Unit.objects.filter(agency_id=agency_id).order_by("name")
        self.fields["handler"].queryset = members.members(agency_id).order_by("full_name")
        self.fields["handler"].label_from_instance = lambda u: u.full_name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
        if "\x00" in (cleaned.get("q") or "") + (cleaned.get("issuer") or ""):
            self.add_error("q", "Từ khóa chứa ký tự không hợp lệ.")
        return cleaned

    def criteria(self) -> Criteria:
        d = self.cleaned_data
        return Criteria(
            q=d.get("q") or "",
            exact=bool(d.get("exact")),
            kinds=list(d.get("kind") or []),
            doc_type_id=d["doc_type"].pk if d.get("doc_type") else None,
            issuer=(d.get("issuer") or "").strip(),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            urgency=d.get("urgency"),
            status=d.get("status") or "",
            unit_id=d["unit"].pk if d.get("unit") else None,
            handler_id=d["handler"].pk if d.get("handler") else None,
            page=d.get("page") or 1,
        )

    def error_messages(self) -> list[str]:
        return [m for errs in self.errors.values() for m in errs]
