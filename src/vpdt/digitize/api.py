"""API of digitization: /api/v1/digitizations/ — those of the files of documents the caller may see (one
queryset predicate), and ``retry`` (Số hóa lại) for the clerks of the file's agency."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from vpdt.core.authz import visible
from vpdt.core.params import int_param
from vpdt.core.serializers import Label

from . import scans, services
from .models import Digitization, Status


class DigitizationSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="file.original_name", read_only=True)
    sha256 = serializers.CharField(source="file.sha256", read_only=True)
    status_display = Label(source="get_status_display")
    archive_status_display = Label(source="get_archive_status_display")
    archive_name = serializers.CharField(source="archive.original_name", read_only=True, allow_null=True, default=None)
    seconds = serializers.FloatField(read_only=True, allow_null=True, help_text="Thời gian xử lý (giây)")

    class Meta:
        model = Digitization
        fields = [
            "id",
            "file",
            "file_name",
            "sha256",
            "owner_type",
            "owner_id",
            "status",
            "status_display",
            "method",
            "progress",
            "pages",
            "reason",
            "error",
            "message",
            "archive",
            "archive_name",
            "pdfa",
            "archive_status",
            "archive_status_display",
            "archive_error",
            "attempts",
            "text",
            "created_at",
            "started_at",
            "finished_at",
            "seconds",
        ]
        read_only_fields = fields


class ScanUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), help_text="Bản quét (PDF, PNG, JPEG, TIFF), mỗi tệp là một văn bản; multipart."
    )


class ScanDiscardSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PrefillFieldSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True, help_text="Giá trị đọc được (doc_type: mã loại văn bản; issued_date: yyyy-mm-dd)"
    )
    confidence = serializers.FloatField(help_text="Độ tin cậy 0–1")
    low = serializers.BooleanField(help_text="Độ tin cậy thấp: cần đối chiếu với bản quét")
    note = serializers.CharField(help_text="Vì sao cần đối chiếu (trống khi không có gì đáng ngờ)")


class PrefillSerializer(serializers.Serializer):
    scan = serializers.IntegerField()
    status = serializers.CharField()
    ready = serializers.BooleanField(help_text="Đã đọc xong bản quét")
    fields = serializers.DictField(child=PrefillFieldSerializer())
    authority = serializers.CharField(help_text="Thẩm quyền ký (TM., KT., TL., TUQ., Q.)")
    place = serializers.CharField(help_text="Địa danh")
    page_amount = serializers.IntegerField(allow_null=True)


def _prefill_payload(scan) -> dict:
    found = scans.prefill(scan)
    fields = {}
    for name in scans.FORM_FIELDS:
        value = found.initial.get(name)
        confidence = found.confidence.get(name, 0.0) if value not in (None, "") else 0.0
        fields[name] = {
            "value": value.isoformat() if hasattr(value, "isoformat") else value,
            "confidence": confidence,
            "low": confidence < scans.LOW,
            "note": found.notes.get(name, "") if value not in (None, "") else "",
        }
    return {
        "scan": scan.pk,
        "status": scan.status,
        "ready": scan.finished,
        "fields": fields,
        "authority": found.authority,
        "place": found.place,
        "page_amount": found.initial.get("page_amount"),
    }


class DigitizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Số hóa (nhận dạng chữ) các tệp thuộc văn bản mà người gọi được xem."""

    serializer_class = DigitizationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Digitization.objects.none()
        qs = visible(Digitization, self.request.user).select_related("file", "archive").defer("layers").order_by("-id")
        if self.action == "list":
            raw = self.request.query_params.get("file") or ""
            if raw.strip():
                if int_param(raw) is None:
                    raise ValidationError({"file": ["Mã tệp phải là số nguyên dương."]})
                qs = qs.filter(file_id=int_param(raw))
            state = (self.request.query_params.get("status") or "").strip()
            if state:
                if state not in Status.values:
                    raise ValidationError({"status": [f"Trạng thái “{state[:40]}” không hợp lệ."]})
                qs = qs.filter(status=state)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("file", int, required=False, description="Chỉ lần số hóa của tệp này"),
            OpenApiParameter("status", str, required=False, enum=Status.values, description="Trạng thái"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={202: DigitizationSerializer},
        description="Số hóa lại một tệp đã xử lý xong (văn thư, quản trị của cơ quan).",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        item = self.get_object()
        try:
            item = services.retry(request.user, item)
        except DjangoValidationError as exc:  # still queued or running
            raise ValidationError({"status": exc.messages})
        item.refresh_from_db()
        return Response(DigitizationSerializer(item).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: DigitizationSerializer(many=True)},
        description="Bản quét của cơ quan đang chờ vào sổ (văn thư).",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": ScanUploadSerializer},
        responses={201: DigitizationSerializer(many=True)},
        description="Đưa bản quét vào để đọc (OCR) và điền sẵn thông tin vào sổ; mỗi tệp là một văn "
        "bản. Vào sổ bằng POST /api/v1/incoming-documents/ với scans=[mã].",
    )
    @action(detail=False, methods=["get", "post"], url_path="scans")
    def scans(self, request):
        if request.method == "POST":
            if not isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
                raise ValidationError({"files": ["Gửi bản quét dạng multipart/form-data, trường “files”."]})
            items = scans.upload(request.user, request.FILES.getlist("files"))
            return Response(DigitizationSerializer(items, many=True).data, status=status.HTTP_201_CREATED)
        rows = list(scans.waiting(request.user).select_related("archive")[:200])
        return Response(DigitizationSerializer(rows, many=True).data)

    @extend_schema(
        request=None,
        responses={200: PrefillSerializer},
        description="Thông tin đọc được từ bản quét chờ vào sổ, mỗi trường kèm độ tin cậy; văn thư "
        "kiểm tra rồi mới vào sổ.",
    )
    @action(detail=True, methods=["get"])
    def prefill(self, request, pk=None):
        scan = scans.get_waiting(request.user, pk)
        if scan is None:
            raise NotFound("Bản quét không còn chờ vào sổ hoặc bạn không có quyền xem.")
        return Response(_prefill_payload(scan))

    @extend_schema(
        request=ScanDiscardSerializer,
        responses={200: DigitizationSerializer},
        description="Bỏ bản quét khỏi danh sách chờ vào sổ (tệp và nhật ký vẫn được giữ).",
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        scan = scans.get_waiting(request.user, pk)
        if scan is None:
            raise NotFound("Bản quét không còn chờ vào sổ hoặc bạn không có quyền xem.")
        serializer = ScanDiscardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            scan = scans.discard(request.user, scan, serializer.validated_data.get("reason", ""))
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages})
        return Response(DigitizationSerializer(scan).data)
