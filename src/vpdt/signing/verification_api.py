"""API of signature verification: /api/v1/signature-verifications/ — the results of the files of documents the
caller may see (one queryset predicate), and re-verification of one such file."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from vpdt.core.params import int_param
from vpdt.core.serializers import Label

from . import receipt
from .models import Verification


class SignatureCheckSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Tên trường chữ ký trong tệp PDF")
    signer = serializers.CharField(help_text="Người ký (CN của chứng thư số)")
    organization = serializers.CharField(allow_blank=True, help_text="Tổ chức (O của chứng thư số)")
    issuer = serializers.CharField(allow_blank=True, help_text="Tổ chức cấp chứng thư số")
    serial = serializers.CharField(allow_blank=True, help_text="Số hiệu chứng thư số")
    signed_at = serializers.CharField(allow_null=True, help_text="Thời điểm ký (ISO 8601)")
    timestamped = serializers.BooleanField(help_text="Có dấu thời gian")
    intact = serializers.BooleanField(help_text="Nội dung được ký không bị thay đổi")
    trusted = serializers.BooleanField(help_text="Chứng thư số thuộc tổ chức chứng thực được tin cậy, còn hiệu lực")
    expired = serializers.BooleanField()
    revoked = serializers.BooleanField()
    ok = serializers.BooleanField(help_text="Chữ ký hợp lệ")
    problems = serializers.ListField(child=serializers.CharField(), help_text="Lý do không hợp lệ")
    sentence = serializers.CharField(help_text="Kết luận bằng tiếng Việt")


class SignatureVerificationSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="file.original_name", read_only=True)
    sha256 = serializers.CharField(source="file.sha256", read_only=True)
    verdict = serializers.CharField(help_text="valid | invalid | unsigned | not_pdf | error")
    verdict_display = Label(source="get_verdict_display")
    signatures = SignatureCheckSerializer(many=True)
    checked_by = serializers.IntegerField(source="checked_by_id", allow_null=True)

    class Meta:
        model = Verification
        fields = [
            "id",
            "file",
            "file_name",
            "sha256",
            "verdict",
            "verdict_display",
            "summary",
            "signatures",
            "checked_at",
            "checked_by",
        ]


class FileVerificationSerializer(serializers.Serializer):
    """What the incoming-document API shows per attached file."""

    verdict = serializers.CharField(help_text='valid | invalid | unsigned | not_pdf | error | "" (chưa kiểm tra)')
    label = serializers.CharField(help_text="Kết luận bằng tiếng Việt")
    summary = serializers.CharField(allow_blank=True)
    fails = serializers.BooleanField(help_text="Tệp PDF có chữ ký số không hợp lệ")
    checked_at = serializers.DateTimeField(source="verification.checked_at", allow_null=True, default=None)
    signatures = serializers.SerializerMethodField()

    def get_signatures(self, result) -> list[dict]:
        return result.verification.signatures if result.verification else []


class ReverifySerializer(serializers.Serializer):
    file = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text="Mã tệp lưu trữ (StoredFile) cần kiểm tra lại"
    )


class SignatureVerificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Kết quả kiểm tra chữ ký số của các tệp thuộc văn bản đến, văn bản đi mà người gọi được xem."""

    serializer_class = SignatureVerificationSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Verification.objects.none()
        qs = receipt.visible_verifications(self.request.user).select_related("file").order_by("-id")
        if self.action == "list":
            raw = self.request.query_params.get("file") or ""
            if raw.strip():
                if int_param(raw) is None:
                    raise ValidationError({"file": ["Mã tệp phải là số nguyên dương."]})
                qs = qs.filter(file_id=int_param(raw))
            verdict = (self.request.query_params.get("verdict") or "").strip()
            if verdict:
                if verdict not in dict(Verification._meta.get_field("verdict").choices):
                    raise ValidationError({"verdict": [f"Kết luận “{verdict[:40]}” không hợp lệ."]})
                qs = qs.filter(verdict=verdict)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("file", int, required=False, description="Chỉ các lần kiểm tra của tệp này"),
            OpenApiParameter(
                "verdict",
                str,
                required=False,
                enum=["valid", "invalid", "unsigned", "not_pdf", "error"],
                description="Kết luận",
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ReverifySerializer,
        responses={201: SignatureVerificationSerializer},
        description="Kiểm tra lại chữ ký số của một tệp người gọi được xem (văn thư, quản trị), ví dụ "
        "sau khi danh sách chứng thư gốc tin cậy thay đổi.",
    )
    @action(detail=False, methods=["post"])
    def verify(self, request):
        from .verification_views import can_reverify

        data = ReverifySerializer(data=request.data)
        if not data.is_valid():
            raise ValidationError({"file": ["Cần mã tệp (số nguyên)."]})
        stored = receipt.visible_file(request.user, data.validated_data["file"])
        if stored is None:
            raise NotFound()
        if not can_reverify(request.user):
            raise PermissionDenied("Chỉ văn thư hoặc quản trị được kiểm tra lại chữ ký số.")
        result = receipt.reverify(request.user, stored)
        return Response(SignatureVerificationSerializer(result).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("signature-verifications", SignatureVerificationViewSet, basename="signature-verification")
