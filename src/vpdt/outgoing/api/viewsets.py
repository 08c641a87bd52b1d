"""Outgoing documents and the consultations asked of the caller."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from vpdt.core.authz import permitted, visible
from vpdt.core.params import int_param
from vpdt.core.parsers import FormParser, JSONParser
from vpdt.storage.uploads import MultiPartParser

from .. import diffing, services
from ..models import Comment, Consultation, OutgoingDocument, Relation, StepKind, Version
from ..queries import trail
from .fields import both_media, validated
from .filters import DOCUMENT_FILTERS, filter_documents, with_details, with_parts
from .inputs import (
    OutgoingAnswerSerializer,
    OutgoingApproveSerializer,
    OutgoingCommentCreateSerializer,
    OutgoingConsultSerializer,
    OutgoingDraftCreateSerializer,
    OutgoingDraftUpdateSerializer,
    OutgoingFilesSerializer,
    OutgoingIssueSerializer,
    OutgoingReasonSerializer,
    OutgoingReturnSerializer,
    OutgoingReviseSerializer,
)
from .serializers import (
    OutgoingCommentSerializer,
    OutgoingConsultationSerializer,
    OutgoingDiffSerializer,
    OutgoingDocumentDetailSerializer,
    OutgoingDocumentSerializer,
    OutgoingPlannedStepSerializer,
    OutgoingTrailEntrySerializer,
    OutgoingVersionSerializer,
    OutgoingVersionTextSerializer,
    diff_data,
)


def _specs(items) -> list[services.RecipientSpec]:
    return [
        services.RecipientSpec(
            kind=r["kind"],
            unit=r.get("unit"),
            user=r.get("user"),
            agency=r.get("agency"),
            name=r.get("name", ""),
            email=r.get("email", ""),
            for_information=r.get("for_information", False),
        )
        for r in items
    ]


class OutgoingDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Văn bản đi the caller may see: drafting, review, issue, recall."""

    serializer_class = OutgoingDocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OutgoingDocument.objects.none()
        user = self.request.user
        if self.action == "list":
            qs = filter_documents(visible(OutgoingDocument, user), user, self.request.query_params)
            return with_parts(qs, user).select_related("doc_type", "drafter", "current_step__reviewer")
        if self.action == "retrieve":
            return with_details(with_parts(visible(OutgoingDocument, user), user))
        # Every other action reads or changes the drafting record.
        return with_parts(permitted(OutgoingDocument, user, "record"), user)

    def get_serializer_class(self):
        if self.action == "list":
            return OutgoingDocumentSerializer
        return OutgoingDocumentDetailSerializer

    def _detail(self, document, status_code=status.HTTP_200_OK):
        fresh = with_details(with_parts(visible(OutgoingDocument, self.request.user), self.request.user)).get(
            pk=document.pk
        )
        return Response(
            OutgoingDocumentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    def _version(self, document, number) -> Version:
        version = (
            document.versions.select_related("author").filter(number=number).first() if number is not None else None
        )
        if version is None:
            raise NotFound("Không tìm thấy phiên bản này của dự thảo.")
        return version

    @extend_schema(parameters=DOCUMENT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=both_media(OutgoingDraftCreateSerializer),
        responses={201: OutgoingDocumentDetailSerializer},
        description="Tạo dự thảo (phiên bản 1). Tệp gửi dạng multipart trong `files` (dự thảo) và "
        "`related_files` (tài liệu liên quan); `recipients` là chuỗi JSON trong multipart.",
    )
    def create(self, request, *args, **kwargs):
        data = validated(OutgoingDraftCreateSerializer, request)
        data.pop("files", None)
        data.pop("related_files", None)
        data.pop("appendix_files", None)
        recipients = _specs(data.pop("recipients", []))
        document = services.create_draft(
            request.user,
            doc_type=data.pop("doc_type", None),
            subject=data.pop("subject", ""),
            text=data.pop("text", ""),
            recipients=recipients,
            files=request.FILES.getlist("files"),
            related_files=request.FILES.getlist("related_files"),
            appendix_files=request.FILES.getlist("appendix_files"),
            reply_to=data.pop("reply_to", None),
            unit=data.pop("unit", None),
            related_to=data.pop("related_to", None),
            relation=data.pop("relation", "") or Relation.NONE,
            **data,
        )
        return self._detail(document, status.HTTP_201_CREATED)

    @extend_schema(
        request=OutgoingDraftUpdateSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Sửa thông tin dự thảo (người soạn thảo, khi dự thảo chưa trình hoặc bị trả lại). "
        "`recipients`, nếu có, thay toàn bộ nơi nhận.",
    )
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        data = validated(OutgoingDraftUpdateSerializer, request, partial=True)
        recipients = data.pop("recipients", None)
        services.update_draft(
            request.user, document, recipients=_specs(recipients) if recipients is not None else None, **data
        )
        return self._detail(document)

    @extend_schema(
        request=None,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Trình duyệt: bắt đầu một lượt trình mới theo quy trình duyệt.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        document = self.get_object()
        services.submit(request.user, document)
        return self._detail(document)

    @extend_schema(
        request=OutgoingApproveSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Đồng ý và chuyển bước tiếp theo; ở bước cuối, dự thảo được duyệt ký (ký số nếu gửi "
        "`passphrase`; sai mật khẩu, không có chứng thư: 400, dự thảo vẫn chờ duyệt).",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingApproveSerializer, request)
        services.approve(
            request.user,
            document,
            comment=data["comment"],
            disagreement=data["disagreement"],
            passphrase=data.get("passphrase") or None,
        )
        return self._detail(document)

    @extend_schema(
        request=OutgoingReturnSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Trả lại người soạn thảo, kèm lý do.",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_draft(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingReturnSerializer, request)
        services.return_draft(request.user, document, comment=data["comment"])
        return self._detail(document)

    @extend_schema(
        request=both_media(OutgoingReviseSerializer),
        responses={201: OutgoingVersionTextSerializer},
        description="Sửa dự thảo: tạo phiên bản mới (người soạn thảo, hoặc người đang duyệt).",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingReviseSerializer, request)
        version = services.revise(
            request.user, document, text=data["text"], note=data.get("note", ""), files=request.FILES.getlist("files")
        )
        return Response(OutgoingVersionTextSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OutgoingConsultSerializer,
        responses={201: OutgoingConsultationSerializer(many=True)},
        description="Xin ý kiến người khác trong cơ quan (người xử lý chính của bước đang duyệt).",
    )
    @action(detail=True, methods=["post"])
    def consult(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingConsultSerializer, request)
        created = services.consult(request.user, document, data["users"], question=data.get("question", ""))
        fresh = (
            Consultation.objects.filter(pk__in=[c.pk for c in created])
            .select_related("step__document", "user", "requested_by")
            .order_by("id")
        )
        return Response(OutgoingConsultationSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Hủy dự thảo (người soạn thảo).",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingReasonSerializer, request)
        services.cancel(request.user, document, data.get("reason", ""))
        return self._detail(document)

    @extend_schema(
        request=OutgoingIssueSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Cấp số và phát hành (văn thư của cơ quan); văn bản được gửi đến các nơi nhận. Với "
        "`passphrase`: ký số cơ quan và đóng dấu trước khi gửi; lỗi ký số: 400, không cấp số.",
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingIssueSerializer, request)
        services.issue(
            request.user, document, issued_date=data.get("issued_date"), passphrase=data.get("passphrase") or None
        )
        return self._detail(document)

    @extend_schema(
        request=both_media(OutgoingFilesSerializer),
        responses={200: OutgoingDocumentDetailSerializer},
        description="Người soạn thảo xác nhận số, ngày và đính kèm bản gốc phát hành (multipart `files`).",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        document = self.get_object()
        validated(OutgoingFilesSerializer, request)
        services.confirm(request.user, document, files=request.FILES.getlist("files"))
        return self._detail(document)

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: OutgoingDocumentDetailSerializer},
        description="Thu hồi văn bản đã phát hành (lãnh đạo, văn thư cơ quan ban hành).",
    )
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        document = self.get_object()
        data = validated(OutgoingReasonSerializer, request)
        services.recall(request.user, document, data.get("reason", ""))
        return self._detail(document)

    @extend_schema(
        request=None,
        responses={200: OutgoingVersionSerializer(many=True)},
        description="Các phiên bản của dự thảo (không kèm nội dung).",
    )
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        document = self.get_object()
        rows = document.versions.select_related("author").defer("text").order_by("number")
        return Response(OutgoingVersionSerializer(rows, many=True).data)

    @extend_schema(
        request=None, responses={200: OutgoingVersionTextSerializer}, description="Một phiên bản, kèm nội dung."
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,9})", url_name="version")
    def version(self, request, pk=None, number=None):
        document = self.get_object()
        return Response(OutgoingVersionTextSerializer(self._version(document, int_param(number))).data)

    @extend_schema(
        request=None,
        responses={200: OutgoingDiffSerializer},
        parameters=[
            OpenApiParameter("a", int, required=False, description="Phiên bản cũ (mặc định: liền trước b)"),
            OpenApiParameter("b", int, required=False, description="Phiên bản mới (mặc định: mới nhất)"),
        ],
        description="Khác biệt theo từ giữa hai phiên bản, như trang So sánh phiên bản: từ phiên bản cũ đến phiên "
        "bản mới, mỗi đoạn thêm hoặc xóa kèm phiên bản, người sửa và cấp của người đó (người soạn thảo, lãnh đạo "
        "đơn vị: bút xanh, lãnh đạo cơ quan: bút đỏ).",
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        document = self.get_object()
        params = request.query_params
        errors = {}
        numbers = {}
        for key in ("a", "b"):
            raw = (params.get(key) or "").strip()
            if raw:
                numbers[key] = int_param(raw)
                if numbers[key] is None:
                    errors[key] = [f"Số phiên bản “{raw[:40]}” không hợp lệ."]
        if errors:
            raise ValidationError(errors)
        b = numbers.get("b") or services.latest_version(document).number
        a = numbers.get("a") or max(b - 1, 1)
        self._version(document, a), self._version(document, b)  # 404 for a version that does not exist
        return Response(OutgoingDiffSerializer(diff_data(diffing.compare(document, a, b))).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: OutgoingCommentSerializer(many=True)},
        description="Ý kiến trên các phiên bản.",
    )
    @extend_schema(
        methods=["POST"],
        request=OutgoingCommentCreateSerializer,
        responses={201: OutgoingCommentSerializer},
        description="Cho ý kiến trên một phiên bản.",
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        document = self.get_object()
        if request.method == "GET":
            rows = Comment.objects.filter(version__document=document).select_related("version", "author")
            return Response(OutgoingCommentSerializer(rows, many=True).data)
        data = validated(OutgoingCommentCreateSerializer, request)
        number = data.get("version") or services.latest_version(document).number
        comment = services.add_comment(request.user, self._version(document, number), data.get("text", ""))
        return Response(OutgoingCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: OutgoingPlannedStepSerializer(many=True)},
        description="Các bước một lượt trình sẽ đi qua, với người xử lý.",
    )
    @action(detail=True, methods=["get"])
    def plan(self, request, pk=None):
        document = self.get_object()
        rows = [
            {
                "order": s.order,
                "label": s.label,
                "kind": s.kind,
                "kind_display": StepKind(s.kind).label,
                "reviewer": s.reviewer.pk if s.reviewer else None,
                "reviewer_name": s.reviewer.full_name if s.reviewer else None,
                "days": s.days,
                "skipped_reason": s.skipped_reason,
            }
            for s in services.plan(document)
        ]
        return Response(OutgoingPlannedStepSerializer(rows, many=True).data)

    @extend_schema(
        request=None,
        responses={200: OutgoingTrailEntrySerializer(many=True)},
        description="Nhật ký xử lý của văn bản: ai, khi nào, làm gì.",
    )
    @action(detail=True, methods=["get"])
    def trail(self, request, pk=None):
        return Response(OutgoingTrailEntrySerializer(trail(self.get_object()), many=True).data)


# --- Consultations --------------------------------------------------------------------------------------------------


class OutgoingConsultationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Yêu cầu xin ý kiến gửi đến người gọi."""

    serializer_class = OutgoingConsultationSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consultation.objects.none()
        qs = Consultation.objects.filter(user=self.request.user).select_related(
            "step__document", "user", "requested_by"
        )
        state = (self.request.query_params.get("state") or "").strip() if self.action == "list" else ""
        if state == "open":
            qs = qs.filter(answered_at__isnull=True)
        elif state == "answered":
            qs = qs.filter(answered_at__isnull=False)
        elif state:
            raise ValidationError({"state": [f"Trạng thái “{state[:40]}” không hợp lệ (open hoặc answered)."]})
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                str,
                required=False,
                enum=["open", "answered"],
                description="open: chờ cho ý kiến; answered: đã cho ý kiến",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=OutgoingAnswerSerializer,
        responses={200: OutgoingConsultationSerializer},
        description="Cho ý kiến theo yêu cầu.",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        consultation = self.get_object()
        data = validated(OutgoingAnswerSerializer, request)
        answered = services.answer(request.user, consultation, data.get("opinion", ""))
        fresh = self.get_queryset().get(pk=answered.pk)
        return Response(OutgoingConsultationSerializer(fresh).data)
