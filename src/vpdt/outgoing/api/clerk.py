"""What the agency's clerk and administrators use: deliveries to receive, and the review chains."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Agency
from vpdt.incoming import services as incoming_services

from .. import chains, delivery
from ..models import ChainStep, Recipient, ReviewChain
from .fields import validated
from .inputs import (
    OutgoingReasonSerializer,
    OutgoingReceiveSerializer,
    ReviewChainCreateSerializer,
    ReviewChainUpdateSerializer,
)
from .serializers import (
    OutgoingDeliverySerializer,
    OutgoingDuplicateSerializer,
    OutgoingReceivedSerializer,
    ReviewChainSerializer,
)

# --- Deliveries -----------------------------------------------------------------------------------------------------


class OutgoingDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Văn bản điện tử gửi đến cơ quan của người gọi (văn thư): tiếp nhận, từ chối, xác nhận thu hồi."""

    serializer_class = OutgoingDeliverySerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recipient.objects.none()
        user = self.request.user
        if self.action == "list":
            box = (self.request.query_params.get("box") or "").strip()
            if box == "recalls":
                qs = delivery.recalls_waiting_for(user)
            elif box in ("", "waiting"):
                qs = delivery.waiting_for(user)
            else:
                raise ValidationError({"box": [f"Hộp “{box[:40]}” không hợp lệ (waiting hoặc recalls)."]})
        else:
            qs = visible(Recipient, user)
        return qs.select_related("document", "document__agency", "document__doc_type")

    def _out(self, recipient):
        fresh = Recipient.objects.select_related("document", "document__agency", "document__doc_type").get(
            pk=recipient.pk
        )
        return Response(OutgoingDeliverySerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "box",
                str,
                required=False,
                enum=["waiting", "recalls"],
                description="waiting: chờ tiếp nhận; recalls: thu hồi chờ xác nhận",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=OutgoingReceiveSerializer,
        responses={201: OutgoingReceivedSerializer, 409: OutgoingDuplicateSerializer},
        description="Tiếp nhận: vào sổ văn bản đến với thông tin điền sẵn. Có thể trùng: 409; gửi lại "
        "với confirm_duplicate=true.",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        recipient = self.get_object()
        data = validated(OutgoingReceiveSerializer, request)
        try:
            registered = delivery.receive(request.user, recipient, **data)
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
            {
                "incoming": document.pk,
                "arrival_number": document.arrival_number,
                "year": document.year,
                "submitted": registered.submitted,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: OutgoingDeliverySerializer},
        description="Từ chối tiếp nhận, kèm lý do.",
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        recipient = self.get_object()
        data = validated(OutgoingReasonSerializer, request)
        return self._out(delivery.refuse(request.user, recipient, data.get("reason", "")))

    @extend_schema(
        request=None,
        responses={200: OutgoingDeliverySerializer},
        description="Xác nhận thu hồi: văn bản đến tương ứng được thu hồi.",
    )
    @action(detail=True, methods=["post"], url_path="confirm-recall", url_name="confirm-recall")
    def confirm_recall(self, request, pk=None):
        recipient = self.get_object()
        return self._out(delivery.confirm_recall(request.user, recipient))


# --- Review chains --------------------------------------------------------------------------------------------------


def _chain_steps(items) -> list[chains.StepSpec]:
    return [
        chains.StepSpec(label=s.get("label", ""), kind=s.get("kind", ""), user=s.get("user"), days=s.get("days", 3))
        for s in items
    ]


class ReviewChainViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quy trình duyệt văn bản đi của cơ quan; quản trị hoặc văn thư cơ quan cấu hình."""

    serializer_class = ReviewChainSerializer
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewChain.objects.none()
        scope = scope_of(self.request.user)
        qs = ReviewChain.objects.all()
        if not scope.is_superuser:
            agencies = set(scope.admin_agency_ids)
            if scope.agency_id:
                agencies.add(scope.agency_id)
            qs = qs.filter(agency_id__in=agencies)
        return qs.select_related("doc_type").prefetch_related(
            Prefetch("steps", queryset=ChainStep.objects.select_related("user").order_by("order"))
        )

    def _out(self, chain, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=chain.pk)
        return Response(ReviewChainSerializer(fresh).data, status=status_code)

    @extend_schema(
        request=ReviewChainCreateSerializer,
        responses={201: ReviewChainSerializer},
        description="Thêm quy trình duyệt (một quy trình đang dùng cho mỗi loại văn bản).",
    )
    def create(self, request, *args, **kwargs):
        data = validated(ReviewChainCreateSerializer, request)
        agency = data.get("agency")
        if agency is None:
            agency_id = scope_of(request.user).agency_id
            if agency_id is None:
                raise ValidationError({"agency": ["Chưa chọn cơ quan."]})
            agency = Agency.objects.get(pk=agency_id)
        chain = chains.create_chain(
            request.user, agency, name=data["name"], doc_type=data.get("doc_type"), steps=_chain_steps(data["steps"])
        )
        return self._out(chain, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReviewChainUpdateSerializer,
        responses={200: ReviewChainSerializer},
        description="Sửa tên, loại văn bản hoặc các bước (không ảnh hưởng văn bản đã trình).",
    )
    def partial_update(self, request, *args, **kwargs):
        chain = self.get_object()
        data = validated(ReviewChainUpdateSerializer, request)
        changes = {}
        if "name" in data:
            changes["name"] = data["name"]
        if "doc_type" in data:
            changes["doc_type"] = data["doc_type"]
        if "steps" in data:
            changes["steps"] = _chain_steps(data["steps"])
        return self._out(chains.update_chain(request.user, chain, **changes))

    @extend_schema(request=None, responses={200: ReviewChainSerializer}, description="Ngừng sử dụng quy trình.")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._out(chains.set_active(request.user, self.get_object(), False))

    @extend_schema(request=None, responses={200: ReviewChainSerializer}, description="Dùng lại quy trình.")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._out(chains.set_active(request.user, self.get_object(), True))
