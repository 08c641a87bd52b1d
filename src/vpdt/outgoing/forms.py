"""Forms of the drafting and review screens (văn bản đi). They only parse input; rules live in services."""

from django import forms

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.params import IntegerField
from vpdt.core.widgets import QuickSelect
from vpdt.directory.models import Agency, Position, Role, Unit
from vpdt.incoming.forms import DATE_WIDGET, MultipleFileField, MultipleFileInput, _date, _select, _text, agency_people

from .models import Authority, OutStatus, RecipientKind
from .services import RecipientSpec

MAX_EXTERNAL = 100


def signers(agency_id):
    """Leaders of the agency and unit leaders (who may be given the signature)."""
    return User.objects.filter(
        pk__in=Position.objects.filter(
            agency_id=agency_id, is_active=True, role__in=[Role.LEADER, Role.UNIT_LEADER]
        ).values("user_id"),
        is_active=True,
    ).order_by("full_name")


def _multi(label):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
        error_messages={
            "invalid_choice": f"{label}: lựa chọn không hợp lệ.",
            "invalid_pk_value": f"{label}: lựa chọn không hợp lệ.",
            "list": f"{label}: lựa chọn không hợp lệ.",
        },
    )


def _area(label, max_length, rows=3, required=False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
        error_messages={"required": f"{label} là bắt buộc.", "max_length": f"{label} dài tối đa {max_length} ký tự."},
    )


def _files(label):
    return MultipleFileField(label=label, required=False, widget=MultipleFileInput(attrs={"class": "form-control"}))


class DraftForm(forms.Form):
    """Fields of a draft; ``with_content`` adds the text and the files (creation only)."""

    doc_type = _select(
        "Loại văn bản", DocumentType.objects.filter(is_active=True).order_by("order", "name"), required=True
    )
    is_legal_normative = forms.BooleanField(
        label="Văn bản quy phạm pháp luật",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    subject = _area("Trích yếu", 500, rows=2, required=True)
    field = _select("Lĩnh vực", Field.objects.none())
    urgency = forms.TypedChoiceField(
        label="Độ khẩn",
        choices=Urgency.choices,
        coerce=int,
        initial=Urgency.NORMAL,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Độ khẩn không hợp lệ.", "required": "Độ khẩn là bắt buộc."},
    )
    secrecy = forms.ChoiceField(
        label="Độ mật",
        choices=Secrecy.choices,
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Độ mật không hợp lệ."},
    )
    signer = _select("Người ký", User.objects.none())
    authority = forms.ChoiceField(
        label="Thẩm quyền ký",
        choices=Authority.choices,
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Thẩm quyền ký không hợp lệ."},
    )
    signer_position = _text("Chức vụ người ký (để trống: lấy theo chức vụ của người ký)", 100)
    due_date = _date("Hạn trả lời đề nghị")
    to_places = _area("Nơi nhận (ghi trên văn bản)", 1000, rows=2)
    description = _text("Ghi chú", 500)
    text = forms.CharField(
        label="Nội dung dự thảo",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 12}),
        error_messages={"max_length": "Nội dung dự thảo quá dài."},
    )
    files = _files("Tệp dự thảo (chọn được nhiều tệp)")
    related_files = _files("Tài liệu liên quan cho người duyệt")
    appendix_files = _files("Phụ lục ban hành kèm theo (mỗi phụ lục một tệp; PDF được ký số cơ quan khi phát hành)")
    units = _multi("Đơn vị nhận trong cơ quan")
    people = _multi("Cá nhân nhận trong cơ quan")
    agencies = _multi("Cơ quan nhận trong hệ thống")
    externals = _area("Nơi nhận ngoài hệ thống (mỗi dòng một nơi)", 20_000, rows=3)

    CONTENT = ("text", "files", "related_files", "appendix_files")

    def __init__(self, actor, *args, with_content=True, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = actor.agency_id
        if not with_content:
            for name in self.CONTENT:
                del self.fields[name]
        self.fields["field"].queryset = Field.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
        self.fields["signer"].queryset = signers(agency_id)
        self.fields["signer"].label_from_instance = lambda u: u.full_name
        self.fields["signer"].empty_label = "— Chọn người ký —"
        self.fields["field"].empty_label = "— Không chọn —"
        self.fields["doc_type"].empty_label = "— Chọn loại văn bản —"
        self.fields["units"].queryset = Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
        self.fields["units"].label_from_instance = lambda u: u.name
        self.fields["people"].queryset = agency_people(agency_id)
        self.fields["people"].label_from_instance = lambda u: u.full_name
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).exclude(pk=agency_id).order_by("path")
        self.fields["agencies"].label_from_instance = lambda a: a.name
        self.fields["due_date"].widget = DATE_WIDGET

    def clean_externals(self):
        names = [line.strip() for line in (self.cleaned_data.get("externals") or "").splitlines() if line.strip()]
        if len(names) > MAX_EXTERNAL:
            raise forms.ValidationError(f"Tối đa {MAX_EXTERNAL} nơi nhận ngoài hệ thống.")
        if any(len(n) > 300 for n in names):
            raise forms.ValidationError("Tên nơi nhận ngoài hệ thống tối đa 300 ký tự.")
        return names

    def recipient_specs(self) -> list[RecipientSpec]:
        data = self.cleaned_data
        return (
            [RecipientSpec(RecipientKind.UNIT, unit=u) for u in data.get("units") or []]
            + [RecipientSpec(RecipientKind.USER, user=u) for u in data.get("people") or []]
            + [RecipientSpec(RecipientKind.AGENCY, agency=a) for a in data.get("agencies") or []]
            + [RecipientSpec(RecipientKind.EXTERNAL, name=n) for n in data.get("externals") or []]
        )

    def field_values(self) -> dict:
        """The draft fields for services.create_draft / update_draft (without subject and doc_type for create)."""
        data = self.cleaned_data
        return {
            "doc_type": data["doc_type"],
            "is_legal_normative": data["is_legal_normative"],
            "subject": data["subject"],
            "field": data.get("field"),
            "urgency": data["urgency"],
            "secrecy": data.get("secrecy") or "",
            "signer": data.get("signer"),
            "authority": data.get("authority") or "",
            "signer_position": data.get("signer_position") or "",
            "due_date": data.get("due_date"),
            "to_places": data.get("to_places") or "",
            "description": data.get("description") or "",
        }

    @staticmethod
    def initial_for(document) -> dict:
        recipients = list(document.recipients.all())
        return {
            "doc_type": document.doc_type_id,
            "is_legal_normative": document.is_legal_normative,
            "subject": document.subject,
            "field": document.field_id,
            "urgency": document.urgency,
            "secrecy": document.secrecy,
            "signer": document.signer_id,
            "authority": document.authority,
            "signer_position": document.signer_position,
            "due_date": document.due_date,
            "to_places": document.to_places,
            "description": document.description,
            "units": [r.unit_id for r in recipients if r.kind == RecipientKind.UNIT],
            "people": [r.user_id for r in recipients if r.kind == RecipientKind.USER],
            "agencies": [r.agency_id for r in recipients if r.kind == RecipientKind.AGENCY],
            "externals": "\n".join(r.name for r in recipients if r.kind == RecipientKind.EXTERNAL),
        }


class ReviseForm(forms.Form):
    text = forms.CharField(
        label="Nội dung dự thảo",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 16}),
        error_messages={"max_length": "Nội dung dự thảo quá dài."},
    )
    note = _text("Ghi chú phiên bản (đã sửa gì)", 500)
    files = _files("Tệp dự thảo của phiên bản mới")


def _passphrase(label="Mật khẩu chứng thư số"):
    return forms.CharField(
        label=label,
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"max_length": "Mật khẩu dài tối đa 500 ký tự."},
    )


class SigningFields:
    """A checkbox and the passphrase; the passphrase is required only when the box is ticked."""

    sign_field = "sign"
    missing = "Nhập mật khẩu chứng thư số để ký số."

    def passphrase_or_none(self) -> str | None:
        data = getattr(self, "cleaned_data", {})
        return data.get("passphrase") if data.get(self.sign_field) else None

    def clean(self):
        data = super().clean()
        if data.get(self.sign_field) and not data.get("passphrase"):
            self.add_error("passphrase", self.missing)
        return data


class ApproveForm(SigningFields, forms.Form):
    comment = _area("Ý kiến", 5000, rows=2)
    disagreement = _area("Ý kiến khác nhau (trình lãnh đạo)", 5000, rows=2)
    sign = forms.BooleanField(
        label="Ký số văn bản khi duyệt", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    passphrase = _passphrase()

    def __init__(self, *args, signing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not signing:  # not the final signer, or no certificate: no signing fields on the screen
            del self.fields["sign"], self.fields["passphrase"]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Lý do trả lại, nội dung cần sửa",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={
            "required": "Ghi rõ lý do trả lại, nội dung cần sửa.",
            "max_length": "Ý kiến dài tối đa 5000 ký tự.",
        },
    )


class ConsultForm(forms.Form):
    users = _multi("Người được xin ý kiến")
    question = _area("Nội dung xin ý kiến", 500, rows=2)

    def __init__(self, agency_id, me, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].required = True
        self.fields["users"].error_messages["required"] = "Chọn người cần xin ý kiến."
        self.fields["users"].queryset = agency_people(agency_id).exclude(pk=me.pk)
        self.fields["users"].label_from_instance = lambda u: u.full_name


class AnswerForm(forms.Form):
    opinion = forms.CharField(
        label="Ý kiến của bạn",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Nội dung ý kiến là bắt buộc.", "max_length": "Ý kiến dài tối đa 5000 ký tự."},
    )


class CommentForm(forms.Form):
    version = IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Chọn phiên bản.",
            "invalid": "Phiên bản không hợp lệ.",
            "min_value": "Phiên bản không hợp lệ.",
        },
    )
    text = forms.CharField(
        label="Góp ý",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        error_messages={"required": "Nội dung ý kiến là bắt buộc.", "max_length": "Ý kiến dài tối đa 5000 ký tự."},
    )


class ConfirmForm(forms.Form):
    files = _files("Bản gốc văn bản đã ký (PDF có chữ ký số)")


class CancelForm(forms.Form):
    reason = _text("Lý do hủy", 500)


BOXES = [
    ("drafting", "Đang soạn"),
    ("in_review", "Đang trình"),
    ("returned", "Bị trả lại"),
    ("approved", "Đã duyệt"),
    ("issued", "Đã phát hành"),
    ("all", "Tất cả"),
]
BOX_STATUSES = {
    "drafting": [OutStatus.DRAFTING],
    "in_review": [OutStatus.IN_REVIEW],
    "returned": [OutStatus.RETURNED],
    "approved": [OutStatus.APPROVED],
    "issued": [OutStatus.ISSUED, OutStatus.RECALLED],
    "all": None,
}


class DraftFilterForm(forms.Form):
    q = forms.CharField(
        label="Trích yếu",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "placeholder": "Tìm theo trích yếu"}),
        error_messages={"max_length": "Từ khóa quá dài."},
    )
