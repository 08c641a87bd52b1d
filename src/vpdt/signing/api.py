"""Signing administration API: certificates (``signing-credentials``), trust roots, signature images and the
agency policy. Viewsets translate HTTP to :mod:`vpdt.signing.services`; what a caller sees is
:func:`vpdt.core.authz.visible`. The encrypted key file and any passphrase or PIN are never returned."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of, visible
from vpdt.core.params import int_param
from vpdt.core.parsers import FormParser, JSONParser, MultiPartParser
from vpdt.core.serializers import Label
from vpdt.directory.models import Agency
from vpdt.storage.services import read_stored

from . import services
from .admin_views import days_left, filter_state, status_of
from .forms import administered_agencies, read_upload
from .models import Credential, CredentialKind, ImageKind, KeyStore, OnFailure, SignatureImage, TrustRoot

_FILE_ERRORS = {
    "invalid": "Dữ liệu gửi lên không phải là tệp; hãy gửi dạng multipart/form-data.",
    "empty": "Tệp rỗng.",
    "no_name": "Không xác định được tên tệp.",
    "max_length": "Tên tệp quá dài.",
    "required": "Chưa chọn tệp.",
    "null": "Chưa chọn tệp.",
}
_AGENCY = {"does_not_exist": "Cơ quan không tồn tại.", "incorrect_type": "Mã cơ quan không hợp lệ."}
_USER = {"does_not_exist": "Người dùng không tồn tại.", "incorrect_type": "Mã người dùng không hợp lệ."}
MULTIPART = [MultiPartParser, FormParser, JSONParser]
AGENCY_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Mã cơ quan.")


class _Choice(serializers.CharField):
    """A choice documented as a plain string (values in the help text): drf-spectacular would otherwise name one
    enum per field name ("kind") across the whole API and collide."""

    def __init__(self, label, choices, **kwargs):
        self.values = [value for value, _ in choices]
        self.label_text = label
        kwargs.setdefault("help_text", " | ".join(f"{v} ({t})" for v, t in choices))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.values:
            raise serializers.ValidationError(f"{self.label_text} không hợp lệ.")
        return value


def _choice(label, choices, **kwargs):
    return _Choice(label, choices, **kwargs)


# ---------------------------------------------------------------------------------------------- certificates


class CredentialSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="personal | agency")
    keystore = serializers.CharField(read_only=True, help_text="pkcs12 | pkcs11 | external")
    kind_display = Label(source="get_kind_display")
    keystore_display = Label(source="get_keystore_display")
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    user_name = serializers.CharField(source="user.full_name", read_only=True, default=None)
    state = serializers.SerializerMethodField(help_text="ok / expiring / expired / inactive")
    state_display = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(help_text="Số ngày còn hiệu lực (âm: đã hết hạn).")

    class Meta:
        model = Credential
        fields = [
            "id",
            "kind",
            "kind_display",
            "agency",
            "agency_name",
            "user",
            "user_name",
            "keystore",
            "keystore_display",
            "label",
            "subject",
            "common_name",
            "issuer",
            "serial",
            "fingerprint",
            "not_before",
            "not_after",
            "certificate",
            "chain",
            "pkcs11_module",
            "pkcs11_token",
            "pkcs11_key",
            "pkcs11_pin_env",
            "is_active",
            "state",
            "state_display",
            "days_left",
            "created_by",
            "created_at",
            "deactivated_at",
        ]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return status_of(obj)[0]

    def get_state_display(self, obj) -> str:
        return status_of(obj)[1]

    def get_days_left(self, obj) -> int:
        return days_left(obj)


class CredentialCreateSerializer(serializers.Serializer):
    kind = _choice("Loại chứng thư số", CredentialKind.choices)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        error_messages=_AGENCY,
        help_text="Mặc định: cơ quan của người gọi.",
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_USER,
        help_text="Người được cấp (chứng thư cá nhân).",
    )
    label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    p12 = serializers.FileField(required=False, error_messages=_FILE_ERRORS, help_text="Tệp .p12/.pfx.")
    passphrase = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=200,
        write_only=True,
        help_text="Mật khẩu mở tệp PKCS#12; không được lưu.",
    )
    certificate = serializers.FileField(
        required=False,
        error_messages=_FILE_ERRORS,
        help_text="Chỉ chứng thư (PEM/DER) khi khóa ở USB token, HSM, dịch vụ ký.",
    )
    chain = serializers.FileField(required=False, error_messages=_FILE_ERRORS)
    keystore = _choice(
        "Nơi giữ khóa",
        [(KeyStore.EXTERNAL, KeyStore.EXTERNAL.label), (KeyStore.PKCS11, KeyStore.PKCS11.label)],
        default=KeyStore.EXTERNAL,
    )
    pkcs11_module = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    pkcs11_token = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    pkcs11_key = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    pkcs11_pin_env = serializers.RegexField(
        r"^[A-Za-z_][A-Za-z0-9_]*$",
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": "Tên biến môi trường chỉ gồm chữ Latinh, số và _."},
    )

    def validate_p12(self, value):
        return read_upload(value, services.MAX_P12_BYTES, "Tệp PKCS#12")

    def validate_certificate(self, value):
        return read_upload(value, 200 * 1024, "Tệp chứng thư số")

    def validate_chain(self, value):
        return read_upload(value, 200 * 1024, "Tệp chứng thư trung gian")

    def validate(self, data):
        if bool(data.get("p12")) == bool(data.get("certificate")):
            raise serializers.ValidationError(
                "Gửi tệp PKCS#12 (p12, kèm passphrase) hoặc tệp chứng thư (certificate), một trong hai."
            )
        if data.get("p12") and not data.get("passphrase"):
            raise serializers.ValidationError({"passphrase": "Nhập mật khẩu của tệp PKCS#12."})
        return data


class CredentialDeactivateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", OpenApiTypes.STR, enum=CredentialKind.values, description="Lọc theo loại."),
        OpenApiParameter(
            "state",
            OpenApiTypes.STR,
            enum=["ok", "expiring", "expired", "inactive"],
            description="Lọc theo trạng thái (expiring: hết hạn trong 30 ngày).",
        ),
    ]
)
class CredentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CredentialSerializer
    parser_classes = MULTIPART
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Credential.objects.none()
        qs = visible(Credential, self.request.user).select_related("agency", "user")
        if self.action == "list":
            kind = self.request.query_params.get("kind", "")
            if kind in CredentialKind.values:
                qs = qs.filter(kind=kind)
            qs = filter_state(qs, self.request.query_params.get("state", ""))
        return qs

    @extend_schema(
        request={"multipart/form-data": CredentialCreateSerializer},
        responses={201: CredentialSerializer},
        description="Đăng ký chứng thư số: tệp PKCS#12 (p12 + passphrase, lưu mã hóa) hoặc chỉ chứng thư "
        "(certificate, khóa ở USB token/dịch vụ ký từ xa hoặc thiết bị PKCS#11).",
    )
    def create(self, request, *args, **kwargs):
        data = CredentialCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = v.get("agency") or request.user.agency
        if agency is None:
            raise serializers.ValidationError({"agency": "Chọn cơ quan."})
        user = v.get("user") if v["kind"] == CredentialKind.PERSONAL else None
        common = {"kind": v["kind"], "agency": agency, "user": user, "label": v.get("label", "")}
        if v.get("p12"):
            name = getattr(request.data.get("p12"), "name", "chung-thu.p12")
            credential = services.register_pkcs12(
                request.user, data=v["p12"], passphrase=v["passphrase"], filename=name, **common
            )
        else:
            credential = services.register_certificate(
                request.user,
                certificate=v["certificate"],
                chain=v.get("chain", b""),
                keystore=v["keystore"],
                pkcs11_module=v["pkcs11_module"],
                pkcs11_token=v["pkcs11_token"],
                pkcs11_key=v["pkcs11_key"],
                pkcs11_pin_env=v["pkcs11_pin_env"],
                **common,
            )
        return Response(CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CredentialDeactivateSerializer,
        responses={200: CredentialSerializer},
        description="Ngừng sử dụng chứng thư số (quản trị cơ quan).",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        data = CredentialDeactivateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credential = services.deactivate_credential(
            request.user, self.get_object(), data.validated_data.get("reason", "")
        )
        return Response(CredentialSerializer(credential).data)


# ---------------------------------------------------------------------------------------------- trust roots


class TrustRootSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrustRoot
        fields = [
            "id",
            "name",
            "subject",
            "fingerprint",
            "not_after",
            "certificate",
            "is_active",
            "added_by",
            "created_at",
        ]
        read_only_fields = fields


class TrustRootCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        error_messages=_FILE_ERRORS, help_text="Chứng thư gốc PEM/DER hoặc tệp PEM nhiều chứng thư."
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate_file(self, value):
        return read_upload(value, 1024 * 1024, "Tệp chứng thư gốc")


class TrustRootViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TrustRootSerializer
    parser_classes = MULTIPART
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TrustRoot.objects.none()
        return visible(TrustRoot, self.request.user)

    @extend_schema(
        request={"multipart/form-data": TrustRootCreateSerializer},
        responses={201: TrustRootSerializer(many=True)},
        description="Thêm chứng thư gốc tin cậy (quản trị cấp tỉnh).",
    )
    def create(self, request, *args, **kwargs):
        data = TrustRootCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        roots = services.add_trust_roots(request.user, data.validated_data["file"], data.validated_data.get("name", ""))
        return Response(TrustRootSerializer(roots, many=True).data, status=status.HTTP_201_CREATED)

    def _set(self, request, active: bool):
        root = services.set_trust_root_active(request.user, self.get_object(), active)
        return Response(TrustRootSerializer(root).data)

    @extend_schema(request=None, responses={200: TrustRootSerializer}, description="Tin cậy lại chứng thư gốc.")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._set(request, True)

    @extend_schema(request=None, responses={200: TrustRootSerializer}, description="Ngừng tin cậy chứng thư gốc.")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._set(request, False)


# ---------------------------------------------------------------------------------------------- images


class SignatureImageSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="signature | seal")
    kind_display = Label(source="get_kind_display")
    sha256 = serializers.CharField(source="file.sha256", read_only=True)

    class Meta:
        model = SignatureImage
        fields = [
            "id",
            "kind",
            "kind_display",
            "agency",
            "user",
            "width_mm",
            "height_mm",
            "is_active",
            "sha256",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields


class SignatureImageCreateSerializer(serializers.Serializer):
    kind = _choice("Loại hình", ImageKind.choices)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        error_messages=_AGENCY,
        help_text="Mặc định: cơ quan của người có chữ ký / của người gọi.",
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        error_messages=_USER,
        help_text="Mặc định: người gọi (hình chữ ký).",
    )
    file = serializers.FileField(error_messages=_FILE_ERRORS, help_text="PNG nền trong suốt.")
    width_mm = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=5,
        max_value=120,
        required=False,
        allow_null=True,
        error_messages={
            "invalid": "Chiều rộng phải là số (mm).",
            "min_value": "Chiều rộng tối thiểu 5 mm.",
            "max_value": "Chiều rộng tối đa 120 mm.",
            "max_digits": "Chiều rộng không hợp lệ.",
            "max_whole_digits": "Chiều rộng không hợp lệ.",
            "max_decimal_places": "Chiều rộng: tối đa 1 chữ số thập phân.",
        },
    )
    height_mm = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=5,
        max_value=120,
        required=False,
        allow_null=True,
        error_messages={
            "invalid": "Chiều cao phải là số (mm).",
            "min_value": "Chiều cao tối thiểu 5 mm.",
            "max_value": "Chiều cao tối đa 120 mm.",
            "max_digits": "Chiều cao không hợp lệ.",
            "max_whole_digits": "Chiều cao không hợp lệ.",
            "max_decimal_places": "Chiều cao: tối đa 1 chữ số thập phân.",
        },
    )


class SignatureImageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SignatureImageSerializer
    parser_classes = MULTIPART
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SignatureImage.objects.none()
        qs = visible(SignatureImage, self.request.user).select_related("file")
        if self.action == "list" and self.request.query_params.get("all") != "1":
            qs = qs.filter(is_active=True)
        return qs

    @extend_schema(
        request={"multipart/form-data": SignatureImageCreateSerializer},
        responses={201: SignatureImageSerializer},
        description="Tải hình chữ ký (người ký hoặc quản trị) hoặc con dấu (quản trị); thay hình đang dùng.",
    )
    def create(self, request, *args, **kwargs):
        data = SignatureImageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = (v.get("user") or request.user) if v["kind"] == ImageKind.SIGNATURE else None
        agency = v.get("agency") or (user.agency if user else None) or request.user.agency
        if agency is None:
            raise serializers.ValidationError({"agency": "Chọn cơ quan."})
        image = services.upload_image(
            request.user,
            kind=v["kind"],
            agency=agency,
            user=user,
            fileobj=v["file"],
            filename=v["file"].name,
            width_mm=v.get("width_mm"),
            height_mm=v.get("height_mm"),
        )
        return Response(SignatureImageSerializer(image).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY}, description="Tệp PNG của hình.")
    @action(detail=True, methods=["get"])
    def png(self, request, pk=None):
        image = self.get_object()
        try:
            data = read_stored(image.file)
        except OSError:
            raise NotFound("Không đọc được hình trong kho lưu trữ.") from None
        return HttpResponse(data, content_type="image/png")


# ---------------------------------------------------------------------------------------------- policy


class SigningPolicySerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    on_failure = _choice("Cách xử lý", OnFailure.choices)
    on_failure_display = Label(source="get_on_failure_display")
    require_both = serializers.BooleanField(error_messages={"invalid": "Giá trị phải là true hoặc false."})
    updated_by = serializers.IntegerField(source="updated_by_id", read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SigningPolicyViewSet(viewsets.ViewSet):
    """Per agency (the id in the URL is the agency's): read by its people and administrators, changed by its
    administrators."""

    serializer_class = SigningPolicySerializer

    def _agencies(self):
        scope = scope_of(self.request.user)
        readable = administered_agencies(self.request.user) | Agency.objects.filter(pk=scope.agency_id)
        return readable.distinct().order_by("path")

    def _agency(self, pk):
        return get_object_or_404(self._agencies(), pk=int_param(str(pk)) or 0)

    @extend_schema(responses={200: SigningPolicySerializer(many=True)})
    def list(self, request):
        return Response([SigningPolicySerializer(services.policy_for(a)).data for a in self._agencies()[:200]])

    @extend_schema(responses={200: SigningPolicySerializer}, parameters=[AGENCY_ID])
    def retrieve(self, request, pk=None):
        return Response(SigningPolicySerializer(services.policy_for(self._agency(pk))).data)

    @extend_schema(request=SigningPolicySerializer, responses={200: SigningPolicySerializer}, parameters=[AGENCY_ID])
    def update(self, request, pk=None, partial=False):
        agency = self._agency(pk)
        current = services.policy_for(agency)
        data = SigningPolicySerializer(current, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        policy = services.set_policy(
            request.user,
            agency,
            on_failure=v.get("on_failure", current.on_failure),
            require_both=v.get("require_both", current.require_both),
        )
        return Response(SigningPolicySerializer(policy).data)

    @extend_schema(request=SigningPolicySerializer, responses={200: SigningPolicySerializer}, parameters=[AGENCY_ID])
    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)


def register(router):
    router.register("signing-credentials", CredentialViewSet, basename="signing-credential")
    router.register("trust-roots", TrustRootViewSet, basename="trust-root")
    router.register("signature-images", SignatureImageViewSet, basename="signature-image")
    router.register("signing-policies", SigningPolicyViewSet, basename="signing-policy")
