"""Forms of the signing administration: certificates (PKCS#12 or certificate only), trust roots, signature images
and the agency policy. The rules live in :mod:`vpdt.signing.services`; these only collect and pre-check input."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.core.widgets import QuickSelect
from vpdt.directory.models import Agency

from .models import CredentialKind, ImageKind, KeyStore, OnFailure

SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}
MAX_CERT_BYTES = 200 * 1024


def _errors(label):
    return {
        "required": f"{label} là bắt buộc.",
        "invalid": f"{label} không hợp lệ.",
        "invalid_choice": f"{label}: lựa chọn không hợp lệ.",
        "max_length": f"{label} quá dài.",
        "missing": f"Chưa chọn tệp ({label}).",
        "empty": f"Tệp {label} rỗng.",
        "invalid_pk_value": f"{label}: lựa chọn không hợp lệ.",
        "max_value": f"{label} tối đa %(limit_value)s.",
        "min_value": f"{label} tối thiểu %(limit_value)s.",
        "max_digits": f"{label}: quá nhiều chữ số.",
        "max_decimal_places": f"{label}: tối đa 1 chữ số thập phân.",
        "max_whole_digits": f"{label}: quá nhiều chữ số.",
    }


def add_service_errors(form, exc) -> None:
    """Put a service's ValidationError / PermissionDenied into the form, field by field when possible."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc) or "Bạn không có quyền thực hiện thao tác này.")


def administered_agencies(user):
    """Agencies whose certificates, images and policy ``user`` administers."""
    scope = scope_of(user)
    if not scope.is_admin:
        return Agency.objects.none()
    return Agency.objects.filter(scope.administered("")).order_by("path")


def agency_people(agencies):
    """Active people holding an active position in one of ``agencies``."""
    return (
        User.objects.filter(positions__agency__in=agencies, positions__is_active=True, is_active=True)
        .distinct()
        .order_by("full_name", "id")
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.username})"


def read_upload(upload, limit: int, label: str) -> bytes:
    """The bytes of an uploaded file, refusing an empty or oversized one (a Django ValidationError, which DRF
    serializers also turn into a 400)."""
    if upload is None:
        return b""
    if upload.size > limit:
        raise ValidationError(f"{label} quá lớn (tối đa {limit // 1024} KB).")
    data = upload.read()
    if not data:
        raise ValidationError(f"{label} rỗng.")
    return data


class _OwnerForm(forms.Form):
    """Agency, kind and (for a personal certificate) the holder."""

    agency = forms.ModelChoiceField(
        label="Cơ quan",
        queryset=Agency.objects.none(),
        error_messages=_errors("Cơ quan"),
        widget=QuickSelect(attrs=SELECT),
    )
    kind = forms.ChoiceField(
        label="Loại chứng thư số",
        choices=CredentialKind.choices,
        error_messages=_errors("Loại"),
        widget=QuickSelect(attrs=SELECT),
    )
    user = PersonChoice(
        label="Người được cấp (chứng thư số cá nhân)",
        queryset=User.objects.none(),
        required=False,
        error_messages=_errors("Người được cấp"),
        widget=QuickSelect(attrs=SELECT),
    )
    label = forms.CharField(
        label="Tên gợi nhớ",
        max_length=200,
        required=False,
        error_messages=_errors("Tên gợi nhớ"),
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "Ví dụ: Chữ ký số Giám đốc Sở"}),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = administered_agencies(actor)
        self.fields["agency"].queryset = agencies
        self.fields["user"].queryset = agency_people(agencies)
        if actor.agency_id and agencies.filter(pk=actor.agency_id).exists():
            self.fields["agency"].initial = actor.agency_id

    def clean(self):
        data = super().clean()
        if data.get("kind") == CredentialKind.PERSONAL and not data.get("user"):
            self.add_error("user", "Chọn người được cấp chứng thư số cá nhân.")
        if data.get("kind") == CredentialKind.AGENCY:
            data["user"] = None
        return data


class Pkcs12Form(_OwnerForm):
    p12 = forms.FileField(
        label="Tệp PKCS#12 (.p12, .pfx)",
        error_messages=_errors("Tệp PKCS#12"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".p12,.pfx"}),
    )
    passphrase = forms.CharField(
        label="Mật khẩu của tệp",
        strip=False,
        max_length=200,
        error_messages=_errors("Mật khẩu của tệp"),
        help_text="Chỉ dùng để mở tệp lúc đăng ký; hệ thống không lưu mật khẩu.",
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "off"}),
    )

    def clean_p12(self):
        return read_upload(self.cleaned_data.get("p12"), 100 * 1024, "Tệp PKCS#12")


class CertificateForm(_OwnerForm):
    certificate = forms.FileField(
        label="Chứng thư số (.cer, .crt, .pem)",
        error_messages=_errors("Chứng thư số"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".cer,.crt,.pem,.der"}),
    )
    chain = forms.FileField(
        label="Chứng thư trung gian (PEM, nếu có)",
        required=False,
        error_messages=_errors("Chứng thư trung gian"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".cer,.crt,.pem"}),
    )
    keystore = forms.ChoiceField(
        label="Nơi giữ khóa",
        error_messages=_errors("Nơi giữ khóa"),
        choices=[(KeyStore.EXTERNAL, KeyStore.EXTERNAL.label), (KeyStore.PKCS11, KeyStore.PKCS11.label)],
        widget=QuickSelect(attrs=SELECT),
    )
    pkcs11_module = forms.CharField(
        label="Thư viện PKCS#11 (đường dẫn tệp .so)",
        max_length=500,
        required=False,
        error_messages=_errors("Thư viện PKCS#11"),
        widget=forms.TextInput(attrs=TEXT),
    )
    pkcs11_token = forms.CharField(
        label="Nhãn token",
        max_length=200,
        required=False,
        error_messages=_errors("Nhãn token"),
        widget=forms.TextInput(attrs=TEXT),
    )
    pkcs11_key = forms.CharField(
        label="Nhãn khóa",
        max_length=200,
        required=False,
        error_messages=_errors("Nhãn khóa"),
        widget=forms.TextInput(attrs=TEXT),
    )
    pkcs11_pin_env = forms.RegexField(
        label="Biến môi trường chứa PIN",
        max_length=100,
        required=False,
        regex=r"^[A-Za-z_][A-Za-z0-9_]*$",
        error_messages={
            **_errors("Biến môi trường chứa PIN"),
            "invalid": "Tên biến môi trường chỉ gồm chữ Latinh, số và _.",
        },
        help_text="PIN không lưu trong cơ sở dữ liệu, chỉ đọc từ biến môi trường này.",
        widget=forms.TextInput(attrs={**TEXT, "placeholder": "VPDT_HSM_PIN"}),
    )

    def clean_certificate(self):
        return read_upload(self.cleaned_data.get("certificate"), MAX_CERT_BYTES, "Tệp chứng thư số")

    def clean_chain(self):
        return read_upload(self.cleaned_data.get("chain"), MAX_CERT_BYTES, "Tệp chứng thư trung gian")


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Lý do ngừng sử dụng", max_length=500, error_messages=_errors("Lý do"), widget=forms.TextInput(attrs=TEXT)
    )


class TrustRootForm(forms.Form):
    name = forms.CharField(
        label="Tên",
        max_length=255,
        required=False,
        error_messages=_errors("Tên"),
        help_text="Để trống: lấy tên (CN) trong chứng thư.",
        widget=forms.TextInput(attrs=TEXT),
    )
    file = forms.FileField(
        label="Chứng thư gốc (PEM, DER hoặc tệp PEM nhiều chứng thư)",
        error_messages=_errors("Tệp chứng thư gốc"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".cer,.crt,.pem,.der"}),
    )

    def clean_file(self):
        return read_upload(self.cleaned_data.get("file"), 1024 * 1024, "Tệp chứng thư gốc")


MM = {"max_digits": 5, "decimal_places": 1, "min_value": Decimal("5"), "max_value": Decimal("120"), "required": False}


class ImageForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại hình",
        choices=ImageKind.choices,
        error_messages=_errors("Loại hình"),
        widget=QuickSelect(attrs=SELECT),
    )
    agency = forms.ModelChoiceField(
        label="Cơ quan",
        queryset=Agency.objects.none(),
        required=False,
        error_messages=_errors("Cơ quan"),
        widget=QuickSelect(attrs=SELECT),
    )
    user = PersonChoice(
        label="Người ký (hình chữ ký)",
        queryset=User.objects.none(),
        required=False,
        error_messages=_errors("Người ký"),
        widget=QuickSelect(attrs=SELECT),
    )
    file = forms.FileField(
        label="Hình PNG nền trong suốt",
        error_messages=_errors("Hình"),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "image/png"}),
    )
    width_mm = forms.DecimalField(
        label="Rộng khi in (mm)",
        error_messages=_errors("Chiều rộng"),
        **MM,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )
    height_mm = forms.DecimalField(
        label="Cao khi in (mm)",
        error_messages=_errors("Chiều cao"),
        **MM,
        help_text="Để trống: tính theo tỉ lệ của hình.",
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        agencies = administered_agencies(actor)
        self.is_admin = agencies.exists()
        if self.is_admin:
            self.fields["agency"].queryset = agencies
            self.fields["user"].queryset = agency_people(agencies)
            if actor.agency_id and agencies.filter(pk=actor.agency_id).exists():
                self.fields["agency"].initial = actor.agency_id
        else:  # a person uploads their own signature
            self.fields["kind"].choices = [(ImageKind.SIGNATURE, ImageKind.SIGNATURE.label)]
            for name in ("agency", "user"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not self.is_admin:
            data["agency"], data["user"] = self.actor.agency, self.actor
            if self.actor.agency_id is None:
                raise ValidationError("Tài khoản chưa thuộc cơ quan nào.")
            return data
        if data.get("kind") == ImageKind.SIGNATURE:
            data["user"] = data.get("user") or self.actor
            if self.fields["agency"].queryset.filter(pk=data["user"].agency_id).exists():
                data["agency"] = data["user"].agency  # a person's signature belongs with their own agency
        if not data.get("agency"):
            person = data.get("user") if data.get("kind") == ImageKind.SIGNATURE else None
            data["agency"] = (person.agency if person else None) or self.actor.agency
            if data["agency"] is None:
                self.add_error("agency", "Chọn cơ quan.")
        return data


class PolicyForm(forms.Form):
    on_failure = forms.ChoiceField(
        label="Khi văn bản đến có chữ ký số không hợp lệ",
        choices=OnFailure.choices,
        error_messages=_errors("Cách xử lý"),
        widget=forms.RadioSelect,
    )
    require_both = forms.BooleanField(
        label="Bắt buộc đủ chữ ký số của người ký và của cơ quan trước khi phát hành điện tử",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
