"""Incoming documents API: registers, documents (registration, submission, direction) and assignments.

Viewsets only translate HTTP to calls of :mod:`vpdt.incoming.services`; every rule lives there. What a caller
sees is :func:`vpdt.core.authz.visible`; what they may do with a document or an assignment is its ``actions``
(:func:`vpdt.incoming.lifecycle.available_actions`, ``assignment_actions``): exactly the calls the services accept.
Errors are Vietnamese JSON (``vpdt.core.api.exception_handler``).

In responses, choice fields (status, role, kind, source, urgency) are plain values with a ``*_display`` label;
enums appear only in request bodies, one component each. The project already has enums named ``status`` and
``role`` (accounts, directory): a second choice set under a name used in several components would make
drf-spectacular's enum naming ambiguous (a warning that fails ``check --deploy``).
"""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.authz import scope_of, visible
from vpdt.core.dates import ApiDateField, ApiDateTimeField, DateInputError, day_bounds, parse_date
from vpdt.core.params import int_param
from vpdt.core.parsers import FormParser, JSONParser
from vpdt.directory.models import Agency, Unit
from vpdt.signing import receipt
from vpdt.signing.models import Verification
from vpdt.signing.verification_api import FileVerificationSerializer

from . import lifecycle, queries, register_services, services
from .models import (
    Assignment,
    AssignmentRole,
    Attachment,
    DocStatus,
    IncomingDocument,
    NoteKind,
    ProcessingNote,
    Register,
    Source,
)
from .uploads import MultiPartParser

BOXES = queries.BOXES
DEFAULT_BOX = BOXES[0]
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."}


def _date_field(**kwargs):
    return ApiDateField(error_messages=DATE_ERRORS, **kwargs)


# --- Registers ---------------------------------------------------------------------------------------------------


class IncomingRegisterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Register
        fields = ["id", "agency", "name", "code", "is_default", "is_active"]
        read_only_fields = fields


class _RegisterText(serializers.CharField):
    """Text checked by the register services (Vietnamese messages, NUL and control characters included)."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class IncomingRegisterCreateSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Cơ quan của sổ; mặc định là cơ quan của người gọi.",
        error_messages={"does_not_exist": "Cơ quan không tồn tại.", "incorrect_type": "Cơ quan không hợp lệ."},
    )
    name = _RegisterText(error_messages={"required": "Tên sổ là bắt buộc."})
    code = _RegisterText(error_messages={"required": "Mã sổ là bắt buộc."})
    is_default = serializers.BooleanField(required=False, default=False)


class IncomingRegisterUpdateSerializer(serializers.Serializer):
    name = _RegisterText(required=False)
    code = _RegisterText(required=False)


class IncomingRegisterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sổ đăng ký văn bản đến the caller may see; the agency's clerks and administrators manage them
    (several registers per agency, exactly one default; a deactivated register keeps its documents)."""

    serializer_class = IncomingRegisterSerializer
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Register.objects.none()
        return visible(Register, self.request.user)

    def _managed(self) -> Register:
        register = self.get_object()  # 404 when not visible
        if not register_services.can_manage(self.request.user, register):
            raise PermissionDenied(register_services.DENIED)
        return register

    def _out(self, register, status_code=status.HTTP_200_OK):
        register.refresh_from_db()
        return Response(
            IncomingRegisterSerializer(register, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(
        request=IncomingRegisterCreateSerializer,
        responses={201: IncomingRegisterSerializer},
        description="Thêm sổ văn bản đến (văn thư, quản trị của cơ quan).",
    )
    def create(self, request, *args, **kwargs):
        data = _valid(IncomingRegisterCreateSerializer, request)
        agency = data.get("agency") or request.user.agency
        if agency is None:
            raise ValidationError({"agency": ["Chưa chọn cơ quan."]})
        register = register_services.create_register(
            request.user, agency, data["name"], data["code"], data.get("is_default", False)
        )
        return self._out(register, status.HTTP_201_CREATED)

    @extend_schema(
        request=IncomingRegisterUpdateSerializer,
        responses={200: IncomingRegisterSerializer},
        description="Sửa tên, mã sổ.",
    )
    def partial_update(self, request, *args, **kwargs):
        register = self._managed()
        data = _valid(IncomingRegisterUpdateSerializer, request)
        register_services.update_register(request.user, register, **data)
        return self._out(register)

    @extend_schema(
        request=None,
        responses={200: IncomingRegisterSerializer},
        description="Đặt làm sổ mặc định (sổ mặc định cũ được bỏ đánh dấu).",
    )
    @action(detail=True, methods=["post"], url_path="set-default")
    def set_default(self, request, pk=None):
        return self._out(register_services.set_default(request.user, self._managed()))

    @extend_schema(
        request=None,
        responses={200: IncomingRegisterSerializer},
        description="Ngừng sử dụng sổ (không áp dụng cho sổ mặc định).",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._out(register_services.deactivate(request.user, self._managed()))

    @extend_schema(request=None, responses={200: IncomingRegisterSerializer}, description="Dùng lại sổ.")
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._out(register_services.activate(request.user, self._managed()))


# --- Serializers: documents -----------------------------------------------------------------------------------------


class IncomingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class IncomingAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    file = serializers.IntegerField(source="file_id")
    name = serializers.CharField(source="file.original_name")
    content_type = serializers.CharField(source="file.content_type")
    size = serializers.IntegerField(source="file.size")
    sha256 = serializers.CharField(source="file.sha256")
    created_at = serializers.DateTimeField(source="file.created_at")
    signature = serializers.SerializerMethodField(help_text="Kết quả kiểm tra chữ ký số mới nhất của tệp")

    @extend_schema_field(FileVerificationSerializer)
    def get_signature(self, attachment):
        newest = getattr(attachment.file, "newest_verifications", None)
        verification = (
            newest[0]
            if newest
            else (None if newest is not None else receipt.latest_for([attachment.file]).get(attachment.file_id))
        )
        return FileVerificationSerializer(receipt.present(attachment.file, verification)).data


class IncomingNoteSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="progress | proposal | result")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ProcessingNote
        fields = ["id", "kind", "kind_display", "text", "author", "author_name", "created_at"]
        read_only_fields = fields


class IncomingAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as listed (inbox, unit queue): no long texts."""

    role = serializers.CharField(read_only=True, help_text="lead | cooperate | inform")
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending | in_progress | done | returned | reassigned")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    user_name = serializers.CharField(source="user.full_name", read_only=True, allow_null=True, default=None)
    assigned_by_name = serializers.CharField(source="assigned_by.full_name", read_only=True)
    document_arrival_number = serializers.IntegerField(source="document.arrival_number", read_only=True)
    document_year = serializers.IntegerField(source="document.year", read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    document_urgency = serializers.IntegerField(source="document.urgency", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "document",
            "document_arrival_number",
            "document_year",
            "document_subject",
            "document_urgency",
            "role",
            "role_display",
            "unit",
            "unit_name",
            "user",
            "user_name",
            "parent",
            "deadline",
            "assigned_by",
            "assigned_by_name",
            "status",
            "status_display",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class IncomingAssignmentDetailSerializer(IncomingAssignmentSerializer):
    notes = IncomingNoteSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="Việc người gọi được làm với phân công này lúc này: distribute (giao cán bộ), note (ghi tiến độ, "
        "đề xuất), complete (hoàn thành), read (đã đọc), return (trả lại), reassign (chuyển người khác)."
    )

    class Meta(IncomingAssignmentSerializer.Meta):
        fields = IncomingAssignmentSerializer.Meta.fields + ["opinion", "result", "reason", "notes", "actions"]
        read_only_fields = fields

    def get_actions(self, assignment) -> list[str]:
        return sorted(lifecycle.assignment_actions(_user(self), assignment))


class IncomingTrailEntrySerializer(serializers.Serializer):
    """One event of the processing trail (queries.trail)."""

    seq = serializers.IntegerField(allow_null=True)
    when = serializers.DateTimeField(allow_null=True)
    who = serializers.CharField(allow_blank=True)
    on_behalf_of = serializers.CharField(allow_blank=True, allow_null=True)
    action = serializers.CharField()
    label = serializers.CharField(allow_blank=True)
    sentence = serializers.CharField(help_text="Sự kiện kể bằng một câu tiếng Việt (như nhật ký hệ thống).")
    assignment = serializers.IntegerField(allow_null=True)
    to = serializers.CharField(allow_blank=True)
    deadline = serializers.CharField(allow_null=True)
    direction = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    details = serializers.JSONField()


class IncomingReplyRecordSerializer(serializers.Serializer):
    """Văn bản trả lời requested for a document (the seam to the outgoing capability)."""

    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    subject = serializers.CharField(allow_blank=True)
    outgoing_reference = serializers.CharField(allow_blank=True)
    status = serializers.CharField(help_text="Trạng thái (mã)")
    status_display = serializers.CharField(source="get_status_display")
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()


_DOC_LIST_FIELDS = [
    "id",
    "agency",
    "register",
    "year",
    "arrival_number",
    "arrival_date",
    "source",
    "source_display",
    "issuer_name",
    "issuer_code",
    "code_number",
    "code_notation",
    "number_symbol",
    "issued_date",
    "doc_type",
    "doc_type_name",
    "subject",
    "urgency",
    "urgency_display",
    "status",
    "status_display",
    "leader",
    "deadline",
    "due_date",
    "needs_reply",
    "reply_due",
    "created_at",
]


class IncomingDocumentSerializer(serializers.ModelSerializer):
    """A document as listed: registration data only, never the long texts (direction, description...)."""

    number_symbol = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True, help_text="paper | electronic")
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    urgency = serializers.IntegerField(read_only=True, help_text="0 thường … 4 hỏa tốc hẹn giờ")
    doc_type_name = serializers.CharField(source="doc_type.name", read_only=True)
    urgency_display = serializers.CharField(source="get_urgency_display", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="registered | submitted | directed | in_progress | completed"
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = IncomingDocument
        fields = _DOC_LIST_FIELDS
        read_only_fields = fields


class IncomingDocumentDetailSerializer(IncomingDocumentSerializer):
    leader_name = serializers.CharField(source="leader.full_name", read_only=True, allow_null=True, default=None)
    directed_by_name = serializers.CharField(
        source="directed_by.full_name", read_only=True, allow_null=True, default=None
    )
    attachments = IncomingAttachmentSerializer(many=True, read_only=True)
    assignments = IncomingAssignmentDetailSerializer(many=True, read_only=True)
    replies = serializers.SerializerMethodField()
    trail = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="Việc người gọi được làm với văn bản lúc này: submit (trình), direct (cho ý kiến chỉ đạo), "
        "request_reply (yêu cầu văn bản trả lời), draft_reply (soạn văn bản trả lời), file (đưa vào hồ sơ)."
    )

    class Meta(IncomingDocumentSerializer.Meta):
        fields = _DOC_LIST_FIELDS + [
            "language",
            "page_amount",
            "description",
            "signer_position",
            "signer_name",
            "to_places",
            "field",
            "submitted_at",
            "leader_name",
            "direction",
            "directed_by",
            "directed_by_name",
            "directed_at",
            "completed_at",
            "created_by",
            "updated_at",
            "attachments",
            "assignments",
            "replies",
            "trail",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, document) -> list[str]:
        return sorted(lifecycle.available_actions(_user(self), document))

    @extend_schema_field(IncomingReplyRecordSerializer(many=True))
    def get_replies(self, obj):
        return IncomingReplyRecordSerializer(obj.replies.all(), many=True).data

    @extend_schema_field(IncomingTrailEntrySerializer(many=True))
    def get_trail(self, obj):
        return _trail(obj)


class IncomingRegisteredSerializer(IncomingDocumentDetailSerializer):
    submitted = serializers.BooleanField(read_only=True, help_text="Đã trình lãnh đạo ngay (văn bản khẩn).")

    class Meta(IncomingDocumentDetailSerializer.Meta):
        fields = IncomingDocumentDetailSerializer.Meta.fields + ["submitted"]
        read_only_fields = fields


def _trail(document) -> list[dict]:
    return IncomingTrailEntrySerializer(queries.trail(document), many=True).data


# --- Request bodies ---------------------------------------------------------------------------------------------------


class IncomingRegistrationSerializer(serializers.Serializer):
    """Vào sổ: the registration fields (ND30 Phụ lục VI). Required ones are checked by the service, in Vietnamese."""

    register = serializers.PrimaryKeyRelatedField(
        queryset=Register.objects.none(),
        required=False,
        allow_null=True,
        help_text="Sổ đăng ký; để trống dùng sổ mặc định của cơ quan.",
    )
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    issuer_name = serializers.CharField(required=False, allow_blank=True)
    issuer_code = serializers.CharField(required=False, allow_blank=True)
    code_number = serializers.CharField(required=False, allow_blank=True)
    code_notation = serializers.CharField(required=False, allow_blank=True)
    issued_date = _date_field(required=False, allow_null=True)
    doc_type = serializers.PrimaryKeyRelatedField(
        queryset=DocumentType.objects.filter(is_active=True), required=False, allow_null=True
    )
    subject = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)
    page_amount = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    description = serializers.CharField(required=False, allow_blank=True)
    signer_position = serializers.CharField(required=False, allow_blank=True)
    signer_name = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    to_places = serializers.CharField(required=False, allow_blank=True)
    due_date = _date_field(required=False, allow_null=True)
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.none(), required=False, allow_null=True)
    needs_reply = serializers.BooleanField(required=False)
    reply_due = _date_field(required=False, allow_null=True)
    arrival_date = ApiDateTimeField(required=False, allow_null=True, help_text="Ngày đến (mặc định: bây giờ).")
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="Lãnh đạo sẽ cho ý kiến (văn bản khẩn được trình ngay).",
    )
    confirm_duplicate = serializers.BooleanField(required=False, default=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False, allow_blank=True, default="")
    restricted_category = serializers.ChoiceField(
        choices=services.RestrictedCategory.CHOICES, required=False, allow_blank=True, default=""
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text="Tệp văn bản (multipart, có thể nhiều tệp).",
    )
    scans = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        write_only=True,
        max_length=50,
        help_text="Mã các bản quét chờ vào sổ (/api/v1/digitizations/scans/) gắn vào "
        "văn bản; mỗi bản quét chỉ vào sổ một lần.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["register"].queryset = visible(Register, request.user).filter(is_active=True)
            agency_id = scope_of(request.user).agency_id
            self.fields["field"].queryset = Field.objects.filter(agency_id=agency_id, is_active=True)


class IncomingDuplicateExistingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    arrival_number = serializers.IntegerField()
    year = serializers.IntegerField()


class IncomingDuplicateSerializer(serializers.Serializer):
    detail = serializers.CharField()
    existing = IncomingDuplicateExistingSerializer()


class IncomingSubmitSerializer(serializers.Serializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)


class IncomingTargetSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="lead (xử lý chính) | cooperate (phối hợp) | inform (để biết)")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    deadline = _date_field(required=False, allow_null=True)

    def validate_role(self, value):
        if value not in AssignmentRole.values:
            raise serializers.ValidationError("Vai trò xử lý không hợp lệ (lead, cooperate hoặc inform).")
        return value


class IncomingDirectSerializer(serializers.Serializer):
    direction = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = _date_field(required=False, allow_null=True)
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    targets = IncomingTargetSerializer(many=True)


class IncomingReplyCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(required=False, allow_blank=True, default="")


class IncomingDistributeSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    deadline = _date_field(required=False, allow_null=True)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class IncomingReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class IncomingReassignSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField()
    deadline = _date_field(required=False, allow_null=True)


class IncomingNoteCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    text = serializers.CharField()


class IncomingCompleteSerializer(serializers.Serializer):
    result = serializers.CharField()


def _valid(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


# --- Documents ------------------------------------------------------------------------------------------------------


def _filter_documents(qs, params):
    errors = {}
    register = (params.get("register") or "").strip()
    if register:
        if int_param(register) is None:
            errors["register"] = ["Sổ đăng ký không hợp lệ."]
        else:
            qs = qs.filter(register_id=int_param(register))
    year = (params.get("year") or "").strip()
    if year:
        if int_param(year) is None or int_param(year) > 9999:
            errors["year"] = [f"Năm “{year}” không hợp lệ."]
        else:
            qs = qs.filter(year=int_param(year))
    doc_status = (params.get("status") or "").strip()
    if doc_status:
        if doc_status not in DocStatus.values:
            errors["status"] = [f"Trạng thái “{doc_status}” không hợp lệ."]
        else:
            qs = qs.filter(status=doc_status)
    urgency = (params.get("urgency") or "").strip()
    if urgency:
        if int_param(urgency) not in Urgency.values:
            errors["urgency"] = [f"Độ khẩn “{urgency}” không hợp lệ."]
        else:
            qs = qs.filter(urgency=int_param(urgency))
    q = (params.get("q") or "").strip()[:200]
    if q:
        cond = (
            Q(subject__icontains=q)
            | Q(issuer_name__icontains=q)
            | Q(issuer_code__icontains=q)
            | Q(code_number__icontains=q)
            | Q(code_notation__icontains=q)
        )
        number, slash, notation = q.partition("/")
        if slash and number.strip() and notation.strip():
            cond |= Q(code_number__iexact=number.strip(), code_notation__icontains=notation.strip())
        qs = qs.filter(cond)
    for key, lookup, end in (("date_from", "arrival_date__gte", False), ("date_to", "arrival_date__lte", True)):
        try:
            day = parse_date(params.get(key))
        except DateInputError as err:
            errors[key] = [str(err)]
            continue
        if day is not None:
            qs = qs.filter(**{lookup: day_bounds(day)[1 if end else 0]})
    if errors:
        raise ValidationError(errors)
    return qs


def _with_details(qs, user):
    return qs.select_related("doc_type", "leader", "directed_by").prefetch_related(
        Prefetch("attachments", queryset=visible(Attachment, user).select_related("file")),
        Prefetch(
            "attachments__file__verifications",
            queryset=Verification.objects.order_by("-id"),
            to_attr="newest_verifications",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("document", "unit", "user", "assigned_by")
            .prefetch_related(Prefetch("notes", queryset=ProcessingNote.objects.select_related("author")))
            .order_by("id"),
        ),
        "replies",
    )


_DOCUMENT_FILTERS = [
    OpenApiParameter("register", int, required=False, description="Sổ đăng ký"),
    OpenApiParameter("year", int, required=False, description="Năm"),
    OpenApiParameter("status", str, required=False, enum=DocStatus.values, description="Trạng thái"),
    OpenApiParameter("urgency", int, required=False, enum=Urgency.values, description="Độ khẩn"),
    OpenApiParameter("q", str, required=False, description="Tìm theo trích yếu, số ký hiệu, cơ quan ban hành"),
    OpenApiParameter("date_from", str, required=False, description="Ngày đến từ (dd/mm/yyyy)"),
    OpenApiParameter("date_to", str, required=False, description="Ngày đến đến hết (dd/mm/yyyy)"),
]


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
            return _filter_documents(qs, self.request.query_params).select_related("doc_type")
        return _with_details(qs, self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return IncomingDocumentSerializer
        return IncomingDocumentDetailSerializer

    def _detail(self, document, serializer_class=None, status_code=status.HTTP_200_OK, **extra):
        fresh = _with_details(IncomingDocument.objects.all(), self.request.user).get(pk=document.pk)
        for name, value in extra.items():
            setattr(fresh, name, value)
        serializer_class = serializer_class or IncomingDocumentDetailSerializer
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(parameters=_DOCUMENT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": IncomingRegistrationSerializer,
            "multipart/form-data": IncomingRegistrationSerializer,
        },
        responses={201: IncomingRegisteredSerializer, 409: IncomingDuplicateSerializer},
        description="Vào sổ văn bản đến (văn thư). Tệp gửi dạng multipart trong trường `files`. "
        "Văn bản có thể trùng: 409 kèm văn bản đã có; gửi lại với confirm_duplicate=true.",
    )
    def create(self, request, *args, **kwargs):
        data = _valid(IncomingRegistrationSerializer, request)
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
        data = _valid(IncomingSubmitSerializer, request)
        services.submit(request.user, document, leader=data.get("leader"))
        return self._detail(document)

    @extend_schema(request=IncomingDirectSerializer, responses={200: IncomingDocumentDetailSerializer})
    @action(detail=True, methods=["post"])
    def direct(self, request, pk=None):
        document = self.get_object()
        data = _valid(IncomingDirectSerializer, request)
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
        data = _valid(IncomingReplyCreateSerializer, request)
        record = services.request_reply(request.user, document, subject=data.get("subject", ""))
        return Response(IncomingReplyRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: IncomingTrailEntrySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def trail(self, request, pk=None):
        return Response(_trail(self.get_object()))


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
        data = _valid(IncomingDistributeSerializer, request)
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
        data = _valid(IncomingReturnSerializer, request)
        return self._detail(services.return_to_leader(request.user, assignment, data["reason"]))

    @extend_schema(
        request=IncomingReassignSerializer,
        responses={200: IncomingAssignmentDetailSerializer},
        description="Chuyển cho cán bộ khác; trả về phân công mới.",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        assignment = self.get_object()
        data = _valid(IncomingReassignSerializer, request)
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
        data = _valid(IncomingNoteCreateSerializer, request)
        services.add_note(request.user, assignment, data["kind"], data["text"])
        return self._detail(assignment, status.HTTP_201_CREATED)

    @extend_schema(request=IncomingCompleteSerializer, responses={200: IncomingAssignmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assignment = self.get_object()
        data = _valid(IncomingCompleteSerializer, request)
        return self._detail(services.complete(request.user, assignment, data["result"]))

    @extend_schema(request=None, responses={200: IncomingAssignmentDetailSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        assignment = self.get_object()
        return self._detail(services.mark_read(request.user, assignment))
