"""What the agency's clerk and administrators use: the delivery statuses of recipient agencies, and the review
chains."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Agency

from .. import chains
from ..models import ChainStep, Recipient, ReviewChain
from .fields import validated
from .inputs import (
    ReviewChainCreateSerializer,
    ReviewChainUpdateSerializer,
)
from .serializers import (
    OutgoingDeliverySerializer,
    ReviewChainSerializer,
)

# --- Deliveries -----------------------------------------------------------------------------------------------------


class OutgoingDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Trạng thái gửi nhận của từng cơ quan nhận (mã trạng thái edXML), cho nơi gửi và văn thư cơ quan nhận. Tiếp
    nhận, từ chối và trả lời yêu cầu thu hồi: /api/v1/exchange-arrivals/."""

    serializer_class = OutgoingDeliverySerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recipient.objects.none()
        return visible(Recipient, self.request.user).select_related(
            "document", "document__agency", "document__doc_type"
        )


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
