"""API of digitization: /api/v1/digitizations/ — those of the files of documents the caller may see (one
queryset predicate), and ``retry`` (Số hóa lại) for the clerks of the file's agency."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.authz import visible

from . import services
from .models import Digitization, Status


class DigitizationSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="file.original_name", read_only=True)
    sha256 = serializers.CharField(source="file.sha256", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    archive_name = serializers.CharField(source="archive.original_name", read_only=True, allow_null=True,
                                         default=None)
    seconds = serializers.FloatField(read_only=True, allow_null=True, help_text="Thời gian xử lý (giây)")

    class Meta:
        model = Digitization
        fields = ["id", "file", "file_name", "sha256", "owner_type", "owner_id", "status", "status_display",
                  "method", "progress", "pages", "reason", "error", "message", "archive", "archive_name", "pdfa",
                  "attempts", "text", "created_at", "started_at", "finished_at", "seconds"]
        read_only_fields = fields


class DigitizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Số hóa (nhận dạng chữ) các tệp thuộc văn bản mà người gọi được xem."""

    serializer_class = DigitizationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Digitization.objects.none()
        qs = visible(Digitization, self.request.user).select_related("file", "archive").order_by("-id")
        if self.action == "list":
            raw = (self.request.query_params.get("file") or "").strip()
            if raw:
                if not raw.isdigit() or len(raw) > 18:
                    raise ValidationError({"file": ["Mã tệp phải là số nguyên dương."]})
                qs = qs.filter(file_id=int(raw))
            state = (self.request.query_params.get("status") or "").strip()
            if state:
                if state not in Status.values:
                    raise ValidationError({"status": [f"Trạng thái “{state[:40]}” không hợp lệ."]})
                qs = qs.filter(status=state)
        return qs

    @extend_schema(parameters=[
        OpenApiParameter("file", int, required=False, description="Chỉ lần số hóa của tệp này"),
        OpenApiParameter("status", str, required=False, enum=Status.values, description="Trạng thái")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: DigitizationSerializer},
                   description="Số hóa lại một tệp đã xử lý xong (văn thư, quản trị của cơ quan).")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        item = self.get_object()
        try:
            item = services.retry(request.user, item)
        except DjangoValidationError as exc:  # still queued or running
            raise ValidationError({"status": exc.messages})
        item.refresh_from_db()
        return Response(DigitizationSerializer(item).data, status=status.HTTP_202_ACCEPTED)
