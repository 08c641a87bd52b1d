"""Incoming documents (registration, submission, direction, replies) and assignments (the processing steps)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.authz import visible
from vpdt.core.parsers import FormParser, JSONParser
from vpdt.storage.uploads import MultiPartParser

from .. import queries, services
from ..models import Assignment, IncomingDocument, ProcessingNote
from .filters import BOXES, DEFAULT_BOX, DOCUMENT_FILTERS, filter_documents, with_details
from .inputs import (
    IncomingCompleteSerializer,
    IncomingDirectSerializer,
    IncomingDistributeSerializer,
    IncomingDuplicateSerializer,
    IncomingNoteCreateSerializer,
    IncomingReassignSerializer,
    IncomingRegistrationSerializer,
    IncomingReplyCreateSerializer,
    IncomingReturnSerializer,
    IncomingSubmitSerializer,
    validated,
)
from .serializers import (
    IncomingAssignmentDetailSerializer,
    IncomingAssignmentSerializer,
    IncomingDocumentDetailSerializer,
    IncomingDocumentSerializer,
    IncomingRegisteredSerializer,
    IncomingReplyRecordSerializer,
    IncomingTrailEntrySerializer,
    trail_data,
)


class IncomingDocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Văn bản đến the caller may see; registration by the clerk, submission and direction."""

    serializer_class = IncomingDocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IncomingDocument.objects.none()
        qs = visible(IncomingDocument, self.request.user)
        if self.action == "list":
            return filter_documents(qs, self.request.query_params).select_related("doc_type")
        return with_details(qs, self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return IncomingDocumentSerializer
        return IncomingDocumentDetailSerializer

    def _detail(self, document, serializer_class=None, status_code=status.HTTP_200_OK, **extra):
        fresh = with_details(IncomingDocument.objects.all(), self.request.user).get(pk=document.pk)
        for name, value in extra.items():
            setattr(fresh, name, value)
        serializer_class = serializer_class or IncomingDocumentDetailSerializer
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(parameters=DOCUMENT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": IncomingRegistrationSerializer,
            "multipart/form-data": IncomingRegistrationSerializer,
        },
        responses={201: IncomingRegisteredSerializer, 409: IncomingDuplicateSerializer},
        description="Vào sổ văn bản đến (văn thư). Tệp gửi dạng multipart trong trường `files`. "
        "Có `leader`: văn bản được trình lãnh đạo ngay (`submitted`=true), như trên màn hình vào sổ; "
        "`batch`=true để văn bản không khẩn chờ đợt trình theo lịch. "
        "Văn bản có thể trùng: 409 kèm văn bản đã có; gửi lại với confirm_duplicate=true.",
    )
    def create(self, request, *args, **kwargs):
        data = validated(IncomingRegistrationSerializer, request)
        data.pop("files", None)
        register = data.pop("register", None)
        agency = None
        if register is None:
            agency = request.user.agency
            if agency is None:
                raise ValidationError({"register": ["Chưa chọn sổ đăng ký."]})
        if data.get("arrival_date") is None:
            data.pop("arrival_date", None)
        try:
            registered = services.register_document(
                request.user,
                register=register,
                agency=agency,
                files=request.FILES.getlist("files"),
                scans=data.pop("scans", None) or (),
                leader=data.pop("leader", None),
                submit_now=not data.pop("batch", False),
                confirm_duplicate=data.pop("confirm_duplicate", False),
                secrecy=data.pop("secrecy", ""),
                restricted_category=data.pop("restricted_category", ""),
                **data,
            )
        except services.DuplicateWarning as exc:
            existing = exc.existing
            return Response(
                {
                    "detail": exc.messages[0],
                    "existing": {"id": existing.pk, "arrival_number": existing.arrival_number, "year": existing.year},
                },
                status=status.HTTP_409_CONFLICT,
            )
        return self._detail(
            registered.document, IncomingRegisteredSerializer, status.HTTP_201_CREATED, submitted=registered.submitted
        )

    @extend_schema(request=IncomingSubmitSerializer, responses={200: IncomingDocumentDetailSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        document = self.get_object()
        data = validated(IncomingSubmitSerializer, request)
        services.submit(request.user, document, leader=data.get("leader"))
        return self._detail(document)

    @extend_schema(request=IncomingDirectSerializer, responses={200: IncomingDocumentDetailSerializer})
    @action(detail=True, methods=["post"])
    def direct(self, request, pk=None):
        document = self.get_object()
        data = validated(IncomingDirectSerializer, request)
        targets = [
            services.Target(role=t["role"], unit=t.get("unit"), user=t.get("user"), deadline=t.get("deadline"))
            for t in data["targets"]
        ]
        services.direct(
            request.user,
            document,
            direction=data.get("direction", ""),
            targets=targets,
            deadline=data.get("deadline"),
            field=data.get("field"),
        )
        return self._detail(document)

    @extend_schema(
        request=IncomingReplyCreateSerializer,
        responses={201: IncomingReplyRecordSerializer},
        description="Yêu cầu soạn văn bản trả lời (phúc đáp) cho văn bản cần phúc đáp.",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        document = self.get_object()
        data = validated(IncomingReplyCreateSerializer, request)
        record = services.request_reply(request.user, document, subject=data.get("subject", ""))
        return Response(IncomingReplyRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: IncomingTrailEntrySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def trail(self, request, pk=None):
        return Response(trail_data(self.get_object()))


# --- Assignments ----------------------------------------------------------------------------------------------------


class IncomingAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Phân công xử lý: the caller's inbox (or the queue of the units they lead), and the processing steps."""

    serializer_class = IncomingAssignmentSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        user = self.request.user
        if self.action == "list":
            params = self.request.query_params
            queue = (params.get("queue") or "").strip()
            if queue:
                if queue != "unit":
                    raise ValidationError({"queue": [f"Hàng đợi “{queue[:40]}” không hợp lệ (chỉ có “unit”)."]})
                qs = queries.unit_queue(user)
            else:
                box = (params.get("box") or "").strip() or DEFAULT_BOX
                qs = queries.inbox(user, box)
        else:
            qs = Assignment.objects.filter(document__in=visible(IncomingDocument, user)).prefetch_related(
                Prefetch("notes", queryset=ProcessingNote.objects.select_related("author"))
            )
        return qs.select_related("document", "unit", "user", "assigned_by")

    def get_serializer_class(self):
        if self.action == "list":
            return IncomingAssignmentSerializer
        return IncomingAssignmentDetailSerializer

    def _detail(self, assignment, status_code=status.HTTP_200_OK):
        fresh = (
            Assignment.objects.select_related("document", "unit", "user", "assigned_by")
            .prefetch_related(Prefetch("notes", queryset=ProcessingNote.objects.select_related("author")))
            .get(pk=assignment.pk)
        )
        return Response(
            IncomingAssignmentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "box",
                str,
                required=False,
                enum=list(BOXES),
                default=DEFAULT_BOX,
                description="Hộp văn bản của cá nhân.",
            ),
            OpenApiParameter(
                "queue",
                str,
                required=False,
                enum=["unit"],
                description="unit: việc giao cho đơn vị do mình phụ trách, chờ phân công.",
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=IncomingDistributeSerializer,
        responses={200: IncomingAssignmentDetailSerializer},
        description="Phân công cán bộ xử lý việc giao cho đơn vị; trả về phân công mới.",
    )
    @action(detail=True, methods=["post"])
    def distribute(self, request, pk=None):
        assignment = self.get_object()
        data = validated(IncomingDistributeSerializer, request)
        child = services.distribute(
            request.user, assignment, user=data["user"], deadline=data.get("deadline"), opinion=data.get("opinion", "")
        )
        return self._detail(child)

    @extend_schema(
        request=IncomingReturnSerializer,
        responses={200: IncomingAssignmentDetailSerializer},
        description="Trả lại lãnh đạo (kèm lý do).",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_leader(self, request, pk=None):
        assignment = self.get_object()
        data = validated(IncomingReturnSerializer, request)
        return self._detail(services.return_to_leader(request.user, assignment, data["reason"]))

    @extend_schema(
        request=IncomingReassignSerializer,
        responses={200: IncomingAssignmentDetailSerializer},
        description="Chuyển cho cán bộ khác; trả về phân công mới.",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        assignment = self.get_object()
        data = validated(IncomingReassignSerializer, request)
        new = services.reassign(
            request.user, assignment, user=data["user"], reason=data["reason"], deadline=data.get("deadline")
        )
        return self._detail(new)

    @extend_schema(
        request=IncomingNoteCreateSerializer,
        responses={201: IncomingAssignmentDetailSerializer},
        description="Ghi tiến độ, ý kiến đề xuất hoặc kết quả.",
    )
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        assignment = self.get_object()
        data = validated(IncomingNoteCreateSerializer, request)
        services.add_note(request.user, assignment, data["kind"], data["text"])
        return self._detail(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=IncomingCompleteSerializer, responses={200: IncomingAssignmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assignment = self.get_object()
        data = validated(IncomingCompleteSerializer, request)
        return self._detail(services.complete(request.user, assignment, data["result"]))

    @extend_schema(request=None, responses={200: IncomingAssignmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        assignment = self.get_object()
        return self._detail(services.mark_read(request.user, assignment))
