"""API of client-side signing: /api/v1/signing-sessions/. Start a session for a draft at the caller's (final)
approval step, download the prepared PDF, upload the signed one. Callers only ever see their own sessions."""

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vpdt.core.authz import visible
from vpdt.core.parsers import FormParser, JSONParser, MultiPartParser
from vpdt.core.serializers import Label
from vpdt.storage.services import read_stored

from . import external
from .models import SessionPurpose, SigningSession
from .session_views import read_upload


class SigningSessionSerializer(serializers.ModelSerializer):
    status_display = Label(source="get_status_display")
    purpose_display = Label(source="get_purpose_display")
    document = serializers.SerializerMethodField()
    prepared_url = serializers.SerializerMethodField(help_text="Tải tài liệu đã chuẩn bị (PDF) để ký.")
    complete_url = serializers.SerializerMethodField(help_text="Gửi tệp PDF đã ký (multipart, trường signed_pdf).")
    prepared_sha256 = serializers.CharField(source="prepared.sha256", read_only=True)
    signed_sha256 = serializers.CharField(source="signed.sha256", read_only=True, default=None)

    class Meta:
        model = SigningSession
        fields = [
            "id",
            "token",
            "purpose",
            "purpose_display",
            "document",
            "field_name",
            "status",
            "status_display",
            "error",
            "created_at",
            "expires_at",
            "completed_at",
            "prepared_url",
            "prepared_sha256",
            "complete_url",
            "signed_sha256",
        ]
        read_only_fields = fields

    def get_document(self, obj) -> int:
        return int(obj.object_id)

    def _url(self, name, obj) -> str:
        request = self.context.get("request")
        url = reverse(name, args=[obj.pk])
        return request.build_absolute_uri(url) if request is not None else url

    def get_prepared_url(self, obj) -> str:
        return self._url("signing-session-prepared", obj)

    def get_complete_url(self, obj) -> str:
        return self._url("signing-session-complete", obj)


class SigningSessionStartSerializer(serializers.Serializer):
    document = serializers.IntegerField(
        help_text="Mã dự thảo văn bản đi đang chờ bạn duyệt ký (bước cuối).",
        error_messages={"required": "Chọn dự thảo cần ký.", "invalid": "Mã dự thảo không hợp lệ."},
    )


class SigningSessionCompleteSerializer(serializers.Serializer):
    signed_pdf = serializers.FileField(help_text="Tệp PDF đã ký vào ô chữ ký đã chuẩn bị (nối thêm, không tạo lại).")


class SigningSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Phiên ký số ở máy người dùng hoặc dịch vụ ký từ xa: máy chủ chuẩn bị tài liệu, thiết bị ký trả về tệp đã ký,
    máy chủ kiểm tra trước khi chấp nhận và duyệt dự thảo."""

    serializer_class = SigningSessionSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SigningSession.objects.none()
        return SigningSession.objects.filter(user=self.request.user).select_related("prepared", "signed")

    @extend_schema(
        request=SigningSessionStartSerializer,
        responses={201: SigningSessionSerializer},
        description="Bắt đầu phiên ký: chuẩn bị tài liệu (ô chữ ký trống) cho người duyệt ký bước cuối.",
    )
    def create(self, request, *args, **kwargs):
        data = SigningSessionStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = external.purpose_of(SessionPurpose.APPROVAL).model
        document = visible(model, request.user).filter(pk=data.validated_data["document"]).first()
        if document is None:
            raise Http404
        session = external.start(request.user, document)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="Tài liệu đã chuẩn bị (PDF) để ký vào ô chữ ký field_name.",
    )
    @action(detail=True, methods=["get"], url_path="prepared", url_name="prepared")
    def prepared(self, request, pk=None):
        session = self.get_object()
        try:
            data = read_stored(session.prepared)
        except OSError:
            raise Http404 from None
        return FileResponse(
            ContentFile(data),
            as_attachment=True,
            filename=f"chuan-bi-ky-{session.object_id}.pdf",
            content_type="application/pdf",
        )

    @extend_schema(
        request={"multipart/form-data": SigningSessionCompleteSerializer},
        responses={
            200: SigningSessionSerializer,
            400: OpenApiResponse(description="Tệp không được chấp nhận (lý do bằng tiếng Việt)."),
        },
        description="Gửi tệp PDF đã ký. Máy chủ kiểm tra (nối thêm vào bản chuẩn bị, đúng ô chữ ký, chữ ký "
        "toàn vẹn, chứng thư tin cậy và là của bạn) rồi duyệt dự thảo.",
    )
    @action(detail=True, methods=["post"], url_path="complete", url_name="complete")
    def complete(self, request, pk=None):
        session = self.get_object()
        upload = request.FILES.get("signed_pdf")
        data = read_upload(upload, session.prepared.size + external.MAX_GROWTH)
        session = external.complete(request.user, session, data)
        return Response(self.get_serializer(session).data)


def register(router):
    router.register("signing-sessions", SigningSessionViewSet, basename="signing-session")
