"""Delegations API: list what the caller may see, create (own authority, or as the agency's administrator),
revoke. Active delegations make the delegate act for the delegator; actions are journaled on their behalf."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.core.authz import visible
from vpdt.core.dates import ApiDateField
from vpdt.core.serializers import Label

from . import services
from .models import Delegation, DelegationScope


class DelegationSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(read_only=True)
    scope_display = Label(source="get_scope_display")
    delegator_name = serializers.CharField(source="delegator.full_name", read_only=True)
    delegate_name = serializers.CharField(source="delegate.full_name", read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "agency",
            "delegator",
            "delegator_name",
            "delegate",
            "delegate_name",
            "scope",
            "scope_display",
            "starts_on",
            "ends_on",
            "reason",
            "reference",
            "created_by",
            "created_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class DelegationCreateSerializer(serializers.Serializer):
    delegator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text="Mặc định: người gọi.",
        error_messages={"does_not_exist": "Người ủy quyền không tồn tại."},
    )
    delegate = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        error_messages={
            "does_not_exist": "Người được ủy quyền không tồn tại.",
            "required": "Người được ủy quyền là bắt buộc.",
        },
    )
    delegation_scope = serializers.ChoiceField(
        choices=DelegationScope.choices,
        default=DelegationScope.ALL,
        error_messages={"invalid_choice": "Phạm vi không hợp lệ."},
    )
    starts_on = ApiDateField(error_messages={"invalid": "Từ ngày không hợp lệ (dd/mm/yyyy)."})
    ends_on = ApiDateField(error_messages={"invalid": "Đến ngày không hợp lệ (dd/mm/yyyy)."})
    reason = serializers.CharField(max_length=500)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DelegationRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DelegationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DelegationSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Delegation.objects.none()
        return visible(Delegation, self.request.user).select_related("delegator", "delegate")

    @extend_schema(
        request=DelegationCreateSerializer,
        responses={201: DelegationSerializer},
        description="Ủy quyền có thời hạn (không được ủy quyền lại).",
    )
    def create(self, request, *args, **kwargs):
        data = DelegationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        delegation = services.create(
            request.user,
            delegator=values.get("delegator") or request.user,
            delegate=values["delegate"],
            scope=values["delegation_scope"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            reason=values["reason"],
            reference=values.get("reference", ""),
        )
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DelegationRevokeSerializer,
        responses={200: DelegationSerializer},
        description="Thu hồi ủy quyền (người ủy quyền hoặc quản trị cơ quan).",
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        data = DelegationRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delegation = services.revoke(request.user, self.get_object(), data.validated_data.get("reason", ""))
        return Response(DelegationSerializer(delegation).data)
