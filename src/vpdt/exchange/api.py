"""The exchange in the API (``/api/v1/``): documents from other systems waiting for the caller's agency (register,
refuse), and the agency's messages in and out (with resend for what could not be sent). The systems that use this
deployment as their hub call the hub API instead (:mod:`vpdt.exchange.hub_views`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core.authz import permitted, visible
from vpdt.incoming import services as incoming_services
from vpdt.outgoing.api.fields import validated
from vpdt.outgoing.api.inputs import OutgoingReasonSerializer, OutgoingReceiveSerializer

from . import arrivals, outbox, recalls
from .models import Direction, Message, MessageState


class ExchangeMessageSerializer(serializers.ModelSerializer):
    files = serializers.JSONField(read_only=True, help_text="Tệp đính kèm: name, size, sha256, content_type.")

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "kind",
            "state",
            "document_id",
            "business_type",
            "status_code",
            "from_organ",
            "to_organ",
            "agency",
            "subject",
            "code",
            "sender_name",
            "promulgation_date",
            "urgency",
            "files",
            "signature_verdict",
            "signature_summary",
            "attempts",
            "next_attempt_at",
            "last_error",
            "reason",
            "incoming_id",
            "outgoing_id",
            "created_at",
            "done_at",
        ]
        read_only_fields = fields


class ExchangeArrivalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Văn bản đến từ hệ thống khác, chờ văn thư của cơ quan tiếp nhận hoặc từ chối."""

    serializer_class = ExchangeMessageSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return arrivals.waiting_for(self.request.user)

    @extend_schema(
        request=OutgoingReceiveSerializer,
        responses={201: None, 409: None},
        description="Tiếp nhận: vào sổ văn bản đến với thông tin và tệp lấy từ gói tin; trạng thái 03 được báo về "
        "cơ quan gửi. Có thể trùng: 409; gửi lại với confirm_duplicate=true.",
    )
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        message = self.get_object()
        data = validated(OutgoingReceiveSerializer, request)
        try:
            registered = arrivals.register(request.user, message, **data)
        except incoming_services.DuplicateWarning as exc:
            existing = exc.existing
            return Response(
                {
                    "detail": exc.messages[0],
                    "existing": {"id": existing.pk, "arrival_number": existing.arrival_number, "year": existing.year},
                },
                status=status.HTTP_409_CONFLICT,
            )
        document = registered.document
        return Response(
            {"incoming": document.pk, "arrival_number": document.arrival_number, "year": document.year},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: ExchangeMessageSerializer},
        description="Từ chối tiếp nhận, kèm lý do; trạng thái 02 và lý do được báo về cơ quan gửi.",
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        message = self.get_object()
        data = validated(OutgoingReasonSerializer, request)
        refused = arrivals.refuse(request.user, message, data.get("reason", ""))
        return Response(ExchangeMessageSerializer(refused, context=self.get_serializer_context()).data)


DIRECTIONS = {choice for choice, _label in Direction.choices}
STATES = {choice for choice, _label in MessageState.choices}


@extend_schema(
    parameters=[
        OpenApiParameter("direction", str, required=False, enum=sorted(DIRECTIONS)),
        OpenApiParameter("state", str, required=False, enum=sorted(STATES)),
    ]
)
class ExchangeMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Gói tin liên thông của cơ quan (gửi đi, nhận về), với trạng thái gửi và lỗi; gửi lại gói tin gửi lỗi."""

    serializer_class = ExchangeMessageSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        qs = visible(Message, self.request.user)
        params = self.request.query_params
        for name, allowed in (("direction", DIRECTIONS), ("state", STATES)):
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                raise ValidationError({name: [f"Giá trị “{value[:40]}” không hợp lệ."]})
            if value:
                qs = qs.filter(**{name: value})
        return qs

    @extend_schema(request=None, responses={200: ExchangeMessageSerializer}, description="Gửi lại gói tin gửi lỗi.")
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        message = self.get_object()
        allowed = permitted(Message, request.user, "resend").filter(pk=message.pk).exists()
        if not allowed:
            raise PermissionDenied("Chỉ văn thư của cơ quan gửi được gửi lại gói tin gửi lỗi.")
        resent = outbox.resend(request.user, message)
        return Response(ExchangeMessageSerializer(resent, context=self.get_serializer_context()).data)


class ExchangeRecallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Yêu cầu thu hồi văn bản đã vào sổ, từ hệ thống khác, chờ văn thư của cơ quan xác nhận hoặc từ chối."""

    serializer_class = ExchangeMessageSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return recalls.waiting_for(self.request.user)

    @extend_schema(request=None, responses={200: ExchangeMessageSerializer}, description="Đồng ý thu hồi (15).")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        done = recalls.confirm(request.user, self.get_object())
        return Response(ExchangeMessageSerializer(done, context=self.get_serializer_context()).data)

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: ExchangeMessageSerializer},
        description="Không đồng ý thu hồi, kèm lý do (16).",
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        message = self.get_object()
        data = validated(OutgoingReasonSerializer, request)
        done = recalls.refuse(request.user, message, data.get("reason", ""))
        return Response(ExchangeMessageSerializer(done, context=self.get_serializer_context()).data)
