"""Sổ đăng ký văn bản đến: the registers the caller may see, managed by the agency's clerks and administrators."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core.authz import visible
from vpdt.directory.models import Agency

from .. import register_services
from ..models import Register
from .inputs import validated


class IncomingRegisterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Register
        fields = ["id", "agency", "name", "code", "is_default", "is_active"]
        read_only_fields = fields


class _RegisterText(serializers.CharField):
    """Text checked by the register services (Vietnamese messages, NUL and control characters included)."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class IncomingRegisterCreateSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Cơ quan của sổ; mặc định là cơ quan của người gọi.",
        error_messages={"does_not_exist": "Cơ quan không tồn tại.", "incorrect_type": "Cơ quan không hợp lệ."},
    )
    name = _RegisterText(error_messages={"required": "Tên sổ là bắt buộc."})
    code = _RegisterText(error_messages={"required": "Mã sổ là bắt buộc."})
    is_default = serializers.BooleanField(required=False, default=False)


class IncomingRegisterUpdateSerializer(serializers.Serializer):
    name = _RegisterText(required=False)
    code = _RegisterText(required=False)


class IncomingRegisterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sổ đăng ký văn bản đến the caller may see; the agency's clerks and administrators manage them
    (several registers per agency, exactly one default; a deactivated register keeps its documents)."""

    serializer_class = IncomingRegisterSerializer
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Register.objects.none()
        return visible(Register, self.request.user)

    def _managed(self) -> Register:
        register = self.get_object()  # 404 when not visible
        if not register_services.can_manage(self.request.user, register):
            raise PermissionDenied(register_services.DENIED)
        return register

    def _out(self, register, status_code=status.HTTP_200_OK):
        register.refresh_from_db()
        return Response(
            IncomingRegisterSerializer(register, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(
        request=IncomingRegisterCreateSerializer,
        responses={201: IncomingRegisterSerializer},
        description="Thêm sổ văn bản đến (văn thư, quản trị của cơ quan).",
    )
    def create(self, request, *args, **kwargs):
        data = validated(IncomingRegisterCreateSerializer, request)
        agency = data.get("agency") or request.user.agency
        if agency is None:
            raise ValidationError({"agency": ["Chưa chọn cơ quan."]})
        register = register_services.create_register(
            request.user, agency, data["name"], data["code"], data.get("is_default", False)
        )
        return self._out(register, status.HTTP_201_CREATED)

    @extend_schema(
        request=IncomingRegisterUpdateSerializer,
        responses={200: IncomingRegisterSerializer},
        description="Sửa tên, mã sổ.",
    )
    def partial_update(self, request, *args, **kwargs):
        register = self._managed()
        data = validated(IncomingRegisterUpdateSerializer, request)
        register_services.update_register(request.user, register, **data)
        return self._out(register)

    @extend_schema(
        request=None,
        responses={200: IncomingRegisterSerializer},
        description="Đặt làm sổ mặc định (sổ mặc định cũ được bỏ đánh dấu).",
    )
    @action(detail=True, methods=["post"], url_path="set-default")
    def set_default(self, request, pk=None):
        return self._out(register_services.set_default(request.user, self._managed()))

    @extend_schema(
        request=None,
        responses={200: IncomingRegisterSerializer},
        description="Ngừng sử dụng sổ (không áp dụng cho sổ mặc định).",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._out(register_services.deactivate(request.user, self._managed()))

    @extend_schema(request=None, responses={200: IncomingRegisterSerializer}, description="Dùng lại sổ.")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._out(register_services.activate(request.user, self._managed()))
