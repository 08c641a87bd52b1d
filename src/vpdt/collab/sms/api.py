"""SMS API: the messages the caller may see (their own, an agency administrator's agency's), sending one about a
pending item (``POST``), the items one may send about to a person (``pending``), the caller's own settings
(``settings``), and the grants the caller administers (give, revoke). Viewsets translate HTTP to
:mod:`.services`; what a caller sees is :mod:`.policies`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.core.api import valid_input as _valid
from vpdt.core.params import int_param
from vpdt.core.serializers import Label

from . import pending, queries, services
from .models import SmsGrant, SmsMessage, SmsProfile


class SmsMessageSerializer(serializers.ModelSerializer):
    status_display = Label(source="get_status_display")
    sender_name = serializers.CharField(source="sender.full_name", read_only=True, default="")
    recipient_name = serializers.CharField(source="recipient.full_name", read_only=True)

    class Meta:
        model = SmsMessage
        fields = [
            "id",
            "agency",
            "sender",
            "sender_name",
            "recipient",
            "recipient_name",
            "phone",
            "kind",
            "subject_type",
            "subject_id",
            "subject_url",
            "text",
            "status",
            "status_display",
            "attempts",
            "error",
            "gateway_ref",
            "created_at",
            "sent_at",
            "delivered_at",
        ]
        read_only_fields = fields


class SmsSendSerializer(serializers.Serializer):
    recipient = serializers.IntegerField(help_text="Người nhận, cùng cơ quan với người gửi.")
    item = serializers.CharField(
        max_length=60, help_text="Việc đang chờ người nhận xử lý, ví dụ incoming:12 (xem hành động pending)."
    )
    note = serializers.CharField(
        max_length=services.NOTE_MAX, required=False, allow_blank=True, default="", help_text="Lời nhắn thêm."
    )


class PendingItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class SettingsSerializer(serializers.Serializer):
    mobile = serializers.CharField(
        max_length=20, allow_blank=True, help_text="Số di động nhận tin nhắn; trống: số điện thoại của tài khoản."
    )
    opted_out = serializers.ListField(
        child=serializers.CharField(max_length=40), help_text="Các loại tin nhắn không nhận (incoming, …)."
    )
    number = serializers.CharField(read_only=True, help_text="Số đang nhận tin nhắn (trống: chưa có).")


class SmsGrantSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = SmsGrant
        fields = [
            "id",
            "agency",
            "user",
            "user_name",
            "granted_by",
            "granted_at",
            "note",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class GrantSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="Người của cơ quan được cấp quyền gửi tin nhắn.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Lý do thu hồi (bắt buộc, ghi nhật ký).")


def _person(pk, field: str) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: ["Người này không tồn tại."]})
    return user


class SmsMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tin nhắn SMS người gọi được xem. Lọc ``hop``: gui (đã gửi), nhan (đã nhận), tat-ca."""

    serializer_class = SmsMessageSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SmsMessage.objects.none()
        box = self.request.query_params.get("hop", "tat-ca")
        if box not in queries.BOXES:
            raise ValidationError({"hop": ["Hộp tin nhắn không hợp lệ (gui, nhan, tat-ca)."]})
        return queries.messages(self.request.user, box)

    @extend_schema(parameters=[OpenApiParameter("hop", str, description="gui | nhan | tat-ca")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=SmsSendSerializer,
        responses={201: SmsMessageSerializer},
        description="Gửi tin nhắn SMS về một việc đang chờ người nhận xử lý (chỉ người được cấp quyền).",
    )
    def create(self, request, *args, **kwargs):
        services.require_grant(request.user)
        data = _valid(SmsSendSerializer, request)
        message = services.send(request.user, _person(data["recipient"], "recipient"), data["item"], data["note"])
        message.refresh_from_db()
        return Response(SmsMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("recipient", int, required=True, description="Người nhận.")],
        responses={200: PendingItemSerializer(many=True)},
        description="Các việc đang chờ người nhận xử lý mà người gọi được xem: những việc được gửi tin nhắn.",
    )
    @action(detail=False, methods=["get"])
    def pending(self, request):
        pk = int_param(request.query_params.get("recipient"))
        if pk is None:
            raise ValidationError({"recipient": ["Cần chọn người nhận (mã số)."]})
        recipient = _person(pk, "recipient")
        if recipient.agency_id != request.user.agency_id:
            return Response([])
        rows = [
            {"key": i.key, "kind": i.kind.code, "label": i.label, "url": i.url}
            for i in pending.items(request.user, recipient)
        ]
        return Response(PendingItemSerializer(rows, many=True).data)

    @extend_schema(methods=["get"], responses={200: SettingsSerializer}, description="Cài đặt tin nhắn của người gọi.")
    @extend_schema(methods=["put"], request=SettingsSerializer, responses={200: SettingsSerializer})
    @action(detail=False, methods=["get", "put"], url_path="settings", url_name="settings")
    def own_settings(self, request):
        user = request.user
        if request.method == "PUT":
            data = _valid(SettingsSerializer, request)
            try:
                with transaction.atomic():  # both or neither
                    services.set_mobile(user, data["mobile"])
                    services.set_opt_outs(user, set(data["opted_out"]))
            except DjangoValidationError as exc:
                raise ValidationError(exc.message_dict) from None
        own = SmsProfile.objects.filter(user_id=user.pk).values_list("mobile", flat=True).first() or ""
        return Response(
            {"mobile": own, "opted_out": sorted(services.opted_out(user)), "number": services.mobile_of(user) or ""}
        )


class SmsGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quyền gửi tin nhắn SMS trong các cơ quan người gọi quản trị (đang có và đã thu hồi)."""

    serializer_class = SmsGrantSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SmsGrant.objects.none()
        return queries.grants(self.request.user)

    @extend_schema(request=GrantSerializer, responses={201: SmsGrantSerializer}, description="Cấp quyền gửi SMS.")
    def create(self, request, *args, **kwargs):
        data = _valid(GrantSerializer, request)
        grant = services.grant(request.user, _person(data["user"], "user"), data["note"])
        return Response(SmsGrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses={200: SmsGrantSerializer}, description="Thu hồi quyền.")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        grant = self.get_object()
        data = _valid(RevokeSerializer, request)
        return Response(SmsGrantSerializer(services.revoke(request.user, grant, data["reason"])).data)
