"""Outgoing documents API: drafts, review, issue, delivery to agencies, consultations and review chains.

Viewsets only translate HTTP to calls of :mod:`vpdt.outgoing.services`, :mod:`vpdt.outgoing.delivery` and
:mod:`vpdt.outgoing.chains`; every rule lives there. What a caller sees is :func:`vpdt.core.authz.visible`
(404 otherwise). Errors are Vietnamese JSON (``vpdt.core.api.exception_handler``).

As in :mod:`vpdt.incoming.api`, choice fields are plain values with a ``*_display`` label in responses, and
request bodies take them as plain strings checked here (no enum components: names such as ``kind`` and
``status`` are already used with other choice sets, which would make drf-spectacular's enum naming ambiguous).
"""

from __future__ import annotations

import json

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import BooleanField, Case, Prefetch, Q, Value, When
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core import authz
from vpdt.core.authz import manageable, permitted, scope_of, visible
from vpdt.core.dates import ApiDateField, year_param
from vpdt.core.params import int_param
from vpdt.core.parsers import FormParser, JSONParser
from vpdt.delegation import services as delegation
from vpdt.directory.models import Agency, Unit
from vpdt.incoming import services as incoming_services
from vpdt.incoming.models import IncomingDocument, Register
from vpdt.incoming.uploads import MultiPartParser
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry

from . import chains, delivery, services
from .lifecycle import available_actions
from .models import (
    Authority,
    ChainStep,
    Comment,
    Consultation,
    OutgoingDocument,
    OutgoingFile,
    OutStatus,
    Recipient,
    RecipientKind,
    Relation,
    ReviewChain,
    ReviewStep,
    StepKind,
    StepStatus,
    Version,
)

DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."}
BOXES = ("mine", "to_review", "to_issue")
JSON_LISTS = ("recipients", "users", "steps")


_NUL = ProhibitNullCharactersValidator(message="Không được chứa ký tự rỗng (NUL).")


class _Text(serializers.CharField):
    """A text field whose NUL-character refusal is explained in Vietnamese."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_NUL if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]


class _Email(serializers.EmailField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_NUL if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]


_FILE_ERRORS = {
    "invalid": "Dữ liệu gửi lên không phải là tệp; hãy gửi dạng multipart/form-data.",
    "empty": "Tệp rỗng.",
    "no_name": "Không xác định được tên tệp.",
    "max_length": "Tên tệp quá dài.",
    "required": "Chưa chọn tệp.",
    "null": "Chưa chọn tệp.",
}


def _files_field(**kwargs):
    return serializers.ListField(
        child=serializers.FileField(error_messages=_FILE_ERRORS),
        required=False,
        write_only=True,
        error_messages={"not_a_list": "Tệp phải gửi dạng danh sách."},
        **kwargs,
    )


def _date_field(**kwargs):
    return ApiDateField(error_messages=DATE_ERRORS, **kwargs)


def _pk(queryset, label: str, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        error_messages={
            "does_not_exist": f"{label} không tồn tại.",
            "incorrect_type": f"{label} không hợp lệ.",
            "required": f"{label} là bắt buộc.",
            "null": f"{label} là bắt buộc.",
        },
        **kwargs,
    )


def _data(request) -> dict:
    """The request body as a dict; in multipart, list fields (recipients, users, steps) come as JSON text."""
    raw = request.data
    if hasattr(raw, "getlist"):
        data = {}
        for key in raw:
            values = raw.getlist(key)
            data[key] = values if key in ("files", "related_files", "appendix_files") else values[-1]
        for key in JSON_LISTS:
            if isinstance(data.get(key), str):
                try:
                    data[key] = json.loads(data[key]) if data[key].strip() else []
                except ValueError:
                    raise ValidationError({key: ["Dữ liệu không đúng định dạng JSON (danh sách)."]}) from None
        return data
    if not isinstance(raw, dict):
        raise ValidationError({"detail": "Dữ liệu gửi lên phải là một đối tượng JSON."})
    return raw


def _valid(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=_data(request), context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _choice(value, choices, message):
    if value not in choices:
        raise serializers.ValidationError(message)
    return value


# --- Serializers: responses -----------------------------------------------------------------------------------------


class OutgoingFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = _Text(
        help_text="draft | related | final | appendix | signed (final, appendix và signed có thể mang chữ ký số)"
    )
    kind_display = _Text(source="get_kind_display")
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    file = serializers.IntegerField(source="file_id")
    name = _Text(source="file.original_name")
    content_type = _Text(source="file.content_type")
    size = serializers.IntegerField(source="file.size")
    sha256 = _Text(source="file.sha256")
    added_by = serializers.IntegerField(source="added_by_id")
    created_at = serializers.DateTimeField()
    published = serializers.BooleanField(help_text="Tệp thuộc văn bản phát hành (không phải hồ sơ soạn thảo)")


class OutgoingVersionSerializer(serializers.Serializer):
    """Version metadata (lists never carry the text)."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    note = _Text(allow_blank=True)
    author = serializers.IntegerField(source="author_id")
    author_name = _Text(source="author.full_name")
    step = serializers.IntegerField(source="step_id", allow_null=True)
    created_at = serializers.DateTimeField()


class OutgoingVersionTextSerializer(OutgoingVersionSerializer):
    text = _Text(allow_blank=True)


class OutgoingConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step_id")
    step_label = _Text(source="step.label")
    document = serializers.IntegerField(source="step.document_id")
    document_subject = _Text(source="step.document.subject")
    user = serializers.IntegerField(source="user_id")
    user_name = _Text(source="user.full_name")
    requested_by = serializers.IntegerField(source="requested_by_id")
    requested_by_name = _Text(source="requested_by.full_name")
    opinion = _Text(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class OutgoingStepConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    user_name = _Text(source="user.full_name")
    opinion = _Text(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)


class OutgoingStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    order = serializers.IntegerField()
    label = _Text()
    kind = _Text(help_text="unit_leader | user | signer")
    kind_display = _Text(source="get_kind_display")
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = _Text(source="reviewer.full_name")
    status = _Text(help_text="waiting | active | approved | returned | cancelled")
    status_display = _Text(source="get_status_display")
    days = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    comment = _Text(allow_blank=True)
    disagreement = _Text(allow_blank=True)
    consultations = OutgoingStepConsultationSerializer(many=True)


class OutgoingRecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = _Text(help_text="unit | user | agency | external")
    kind_display = _Text(source="get_kind_display")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    user = serializers.IntegerField(source="user_id", allow_null=True)
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    name = _Text(allow_blank=True)
    email = _Text(allow_blank=True)
    for_information = serializers.BooleanField()
    status = _Text(
        allow_blank=True,
        help_text="Mã trạng thái gửi nhận (edXML): '' chưa gửi, 01 đã "
        "đến, 02 từ chối, 03 đã tiếp nhận, 04 đã phân công, 05 "
        "đang xử lý, 06 hoàn thành, 13 đang thu hồi, 15 đã thu hồi",
    )
    status_display = _Text(source="get_status_display")
    delivered_at = serializers.DateTimeField(allow_null=True)
    status_at = serializers.DateTimeField(allow_null=True)
    reason = _Text(allow_blank=True)


_DOC_LIST_FIELDS = [
    "id",
    "part",
    "agency",
    "unit",
    "drafter",
    "drafter_name",
    "doc_type",
    "doc_type_name",
    "subject",
    "urgency",
    "urgency_display",
    "status",
    "status_display",
    "review_round",
    "current_reviewer",
    "current_reviewer_name",
    "year",
    "number",
    "code_number",
    "code_notation",
    "number_symbol",
    "issued_date",
    "created_at",
    "updated_at",
]
# What a viewer who sees only the issued document (an internal recipient) gets: published metadata and the issued
# files, nothing of the drafting record.
PUBLISHED_FIELDS = {
    "id",
    "part",
    "agency",
    "doc_type",
    "doc_type_name",
    "subject",
    "urgency",
    "urgency_display",
    "status",
    "status_display",
    "year",
    "number",
    "code_number",
    "code_notation",
    "number_symbol",
    "issued_date",
    "is_legal_normative",
    "field",
    "language",
    "page_amount",
    "description",
    "to_places",
    "due_date",
    "signer",
    "signer_name",
    "authority",
    "authority_display",
    "signer_position",
    "related_to",
    "relation",
    "relation_display",
    "series",
    "issued_at",
    "recalled_at",
    "recall_reason",
    "recipients",
    "files",
    "actions",
}
PUBLISHED_RECIPIENT_FIELDS = {"id", "kind", "kind_display", "unit", "user", "agency", "name", "for_information"}


def with_parts(qs, user):
    """Annotate ``in_record``: whether the user sees the drafting record of each document (one SQL predicate)."""
    record = authz.predicate(OutgoingDocument, "record", scope_of(user))
    return qs.annotate(
        in_record=Case(When(record, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


class _Parts:
    """Serializers of documents annotated by :func:`with_parts`: a viewer outside the drafting record gets the
    published part only."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if getattr(instance, "in_record", False):
            return data
        data = {k: v for k, v in data.items() if k in PUBLISHED_FIELDS}
        if "files" in data:
            data["files"] = [f for f in data["files"] if f["published"]]
        if "recipients" in data:
            data["recipients"] = [
                {k: v for k, v in r.items() if k in PUBLISHED_RECIPIENT_FIELDS} for r in data["recipients"]
            ]
        return data


class OutgoingDocumentSerializer(_Parts, serializers.ModelSerializer):
    """A document as listed: no text, no recipients."""

    drafter_name = _Text(source="drafter.full_name", read_only=True)
    doc_type_name = _Text(source="doc_type.name", read_only=True)
    urgency = serializers.IntegerField(read_only=True, help_text="0 thường … 4 hỏa tốc hẹn giờ")
    urgency_display = _Text(source="get_urgency_display", read_only=True)
    status = _Text(
        read_only=True, help_text="drafting | in_review | returned | approved | issued | recalled | cancelled"
    )
    status_display = _Text(source="get_status_display", read_only=True)
    current_reviewer = serializers.IntegerField(
        source="current_step.reviewer_id", read_only=True, allow_null=True, default=None
    )
    current_reviewer_name = _Text(
        source="current_step.reviewer.full_name", read_only=True, allow_null=True, default=None
    )
    number_symbol = _Text(read_only=True)
    part = serializers.SerializerMethodField(
        help_text="record: người gọi xem được hồ sơ soạn thảo; published: chỉ "
        "xem văn bản đã phát hành (nơi nhận trong cơ quan)"
    )

    class Meta:
        model = OutgoingDocument
        fields = _DOC_LIST_FIELDS
        read_only_fields = fields

    def get_part(self, obj) -> str:
        return "record" if getattr(obj, "in_record", False) else "published"


class OutgoingDocumentDetailSerializer(OutgoingDocumentSerializer):
    actions = serializers.SerializerMethodField(
        help_text="Các thao tác người gọi được làm với văn bản lúc này "
        "(submit, return, approve, issue, recall, cancel, edit, "
        "revise, consult, comment, confirm)"
    )
    signer_name = _Text(source="signer.full_name", read_only=True, allow_null=True, default=None)
    authority = _Text(read_only=True, help_text="'' | TM | KT | TL | TUQ | Q")
    authority_display = _Text(source="get_authority_display", read_only=True)
    relation = _Text(read_only=True, help_text="'' | replaces | corrects")
    relation_display = _Text(source="get_relation_display", read_only=True)
    secrecy = _Text(read_only=True)
    recipients = OutgoingRecipientSerializer(many=True, read_only=True)
    steps = OutgoingStepSerializer(many=True, read_only=True)
    versions = OutgoingVersionSerializer(many=True, read_only=True)
    files = OutgoingFileSerializer(many=True, read_only=True)

    class Meta(OutgoingDocumentSerializer.Meta):
        fields = _DOC_LIST_FIELDS + [
            "is_legal_normative",
            "field",
            "secrecy",
            "language",
            "page_amount",
            "description",
            "to_places",
            "due_date",
            "signer",
            "signer_name",
            "authority",
            "authority_display",
            "signer_position",
            "reply_to",
            "related_to",
            "relation",
            "relation_display",
            "approved_by",
            "approved_at",
            "series",
            "issued_at",
            "issued_by",
            "confirmed_at",
            "recalled_at",
            "recall_reason",
            "recipients",
            "steps",
            "versions",
            "files",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return sorted(available_actions(request.user, obj)) if request is not None else []


class OutgoingCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version.number")
    author = serializers.IntegerField(source="author_id")
    author_name = _Text(source="author.full_name")
    text = _Text()
    created_at = serializers.DateTimeField()


class OutgoingDiffRowSerializer(serializers.Serializer):
    kind = _Text(help_text="same | added | removed")
    text = _Text(allow_blank=True)


class OutgoingDiffSerializer(serializers.Serializer):
    a = serializers.IntegerField(help_text="Phiên bản cũ")
    b = serializers.IntegerField(help_text="Phiên bản mới")
    rows = OutgoingDiffRowSerializer(many=True)


class OutgoingPlannedStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    label = _Text()
    kind = _Text(help_text="unit_leader | user | signer")
    kind_display = _Text()
    reviewer = serializers.IntegerField(allow_null=True)
    reviewer_name = _Text(allow_null=True)
    days = serializers.IntegerField()
    skipped_reason = _Text(allow_blank=True)


class OutgoingTrailEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    when = serializers.DateTimeField()
    who = _Text(allow_blank=True)
    on_behalf_of = _Text(allow_blank=True)
    action = _Text()
    label = _Text()
    sentence = _Text(help_text="Sự kiện kể bằng một câu tiếng Việt (như nhật ký hệ thống).")
    details = serializers.JSONField()


class OutgoingDeliverySerializer(serializers.Serializer):
    """A delivery to a recipient agency, as its clerk sees it."""

    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    sender = serializers.IntegerField(source="document.agency_id")
    sender_name = _Text(source="document.agency.name")
    number_symbol = _Text(source="document.number_symbol")
    issued_date = serializers.DateField(source="document.issued_date", allow_null=True)
    subject = _Text(source="document.subject")
    doc_type_name = _Text(source="document.doc_type.name")
    urgency = serializers.IntegerField(source="document.urgency")
    urgency_display = _Text(source="document.get_urgency_display")
    agency = serializers.IntegerField(source="agency_id")
    status = _Text(
        allow_blank=True, help_text="01 đã đến | 02 từ chối | 03 đã tiếp nhận | … | 13 đang thu hồi | 15 đã thu hồi"
    )
    status_display = _Text(source="get_status_display")
    delivered_at = serializers.DateTimeField(allow_null=True)
    status_at = serializers.DateTimeField(allow_null=True)
    reason = _Text(allow_blank=True)
    incoming = serializers.SerializerMethodField(
        help_text="Văn bản đến của cơ quan nhận (chỉ văn thư cơ quan nhận thấy; nơi gửi chỉ theo dõi trạng thái)"
    )

    def get_incoming(self, recipient) -> int | None:
        request = self.context.get("request")
        if request is None or scope_of(request.user).agency_id != recipient.agency_id:
            return None
        return recipient.incoming_id


class OutgoingReceivedSerializer(serializers.Serializer):
    incoming = serializers.IntegerField(help_text="Văn bản đến vừa vào sổ")
    arrival_number = serializers.IntegerField()
    year = serializers.IntegerField()
    submitted = serializers.BooleanField()


class OutgoingDuplicateExistingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    arrival_number = serializers.IntegerField()
    year = serializers.IntegerField()


class OutgoingDuplicateSerializer(serializers.Serializer):
    detail = _Text()
    existing = OutgoingDuplicateExistingSerializer()


class ReviewChainStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    label = _Text()
    kind = _Text(help_text="unit_leader | user | signer")
    kind_display = _Text(source="get_kind_display")
    user = serializers.IntegerField(source="user_id", allow_null=True)
    user_name = _Text(source="user.full_name", allow_null=True, default=None)
    days = serializers.IntegerField()


class ReviewChainSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField(source="agency_id")
    doc_type = serializers.IntegerField(
        source="doc_type_id", allow_null=True, help_text="Trống: áp dụng cho mọi loại văn bản khác."
    )
    doc_type_name = _Text(source="doc_type.name", allow_null=True, default=None)
    name = _Text()
    is_active = serializers.BooleanField()
    steps = ReviewChainStepSerializer(many=True)


# --- Serializers: requests ------------------------------------------------------------------------------------------


class OutgoingRecipientInputSerializer(serializers.Serializer):
    kind = _Text(
        help_text="unit (đơn vị trong cơ quan) | user (cá nhân) | agency (cơ quan trong hệ "
        "thống) | external (ngoài hệ thống)",
        error_messages={"required": "Loại nơi nhận là bắt buộc."},
    )
    unit = _pk(Unit.objects.all(), "Đơn vị nhận", required=False, allow_null=True)
    user = _pk(User.objects.all(), "Cá nhân nhận", required=False, allow_null=True)
    agency = _pk(Agency.objects.all(), "Cơ quan nhận", required=False, allow_null=True)
    name = _Text(required=False, allow_blank=True, max_length=300, default="")
    email = _Email(
        required=False, allow_blank=True, default="", error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."}
    )
    for_information = serializers.BooleanField(required=False, default=False)

    def validate_kind(self, value):
        return _choice(value, RecipientKind.values, "Loại nơi nhận không hợp lệ (unit, user, agency hoặc external).")


def _recipients_field():
    return serializers.ListField(
        child=OutgoingRecipientInputSerializer(),
        required=False,
        max_length=500,
        help_text="Nơi nhận; trong multipart gửi dạng chuỗi JSON.",
        error_messages={"not_a_list": "Nơi nhận phải là một danh sách."},
    )


class _DraftFieldsSerializer(serializers.Serializer):
    """The fields of services.DRAFT_FIELDS; required ones and the business rules are checked by the service."""

    doc_type = _pk(DocumentType.objects.filter(is_active=True), "Loại văn bản", required=False, allow_null=True)
    subject = _Text(required=False, allow_blank=True)
    is_legal_normative = serializers.BooleanField(required=False)
    field = _pk(Field.objects.none(), "Lĩnh vực", required=False, allow_null=True)
    urgency = serializers.IntegerField(
        required=False, help_text="0 thường … 4 hỏa tốc hẹn giờ", error_messages={"invalid": "Độ khẩn không hợp lệ."}
    )
    secrecy = _Text(required=False, allow_blank=True, help_text="Để trống: văn bản mật không soạn trên hệ thống.")
    language = _Text(required=False, allow_blank=True)
    page_amount = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    description = _Text(required=False, allow_blank=True)
    to_places = _Text(required=False, allow_blank=True)
    due_date = _date_field(required=False, allow_null=True)
    signer = _pk(User.objects.all(), "Người ký", required=False, allow_null=True)
    authority = _Text(required=False, allow_blank=True, help_text="'' | TM | KT | TL | TUQ | Q")
    signer_position = _Text(required=False, allow_blank=True, max_length=100)
    recipients = _recipients_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            agency_id = scope_of(request.user).agency_id
            self.fields["field"].queryset = Field.objects.filter(agency_id=agency_id, is_active=True)

    def validate_urgency(self, value):
        return _choice(value, Urgency.values, "Độ khẩn không hợp lệ (0 đến 4).")

    def validate_secrecy(self, value):
        return _choice(value, Secrecy.values, "Độ mật không hợp lệ.")

    def validate_authority(self, value):
        return _choice(value, Authority.values, "Thẩm quyền ký không hợp lệ (TM, KT, TL, TUQ, Q hoặc để trống).")


class OutgoingDraftCreateSerializer(_DraftFieldsSerializer):
    text = _Text(required=False, allow_blank=True, default="", help_text="Nội dung dự thảo")
    unit = _pk(Unit.objects.all(), "Đơn vị soạn thảo", required=False, allow_null=True)
    reply_to = _pk(IncomingDocument.objects.none(), "Văn bản đến cần trả lời", required=False, allow_null=True)
    related_to = _pk(
        OutgoingDocument.objects.none(), "Văn bản được thay thế/đính chính", required=False, allow_null=True
    )
    relation = _Text(
        required=False, allow_blank=True, default="", help_text="replaces (thay thế) | corrects (đính chính)"
    )
    files = _files_field(help_text="Tệp dự thảo (multipart).")
    related_files = _files_field(help_text="Tài liệu liên quan cho người duyệt (multipart).")
    appendix_files = _files_field(help_text="Phụ lục ban hành kèm theo, mỗi phụ lục một tệp (multipart).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["related_to"].queryset = visible(OutgoingDocument, request.user)
            self.fields["reply_to"].queryset = visible(IncomingDocument, request.user)

    def validate_relation(self, value):
        return _choice(value, Relation.values, "Quan hệ không hợp lệ (replaces hoặc corrects).")


class OutgoingDraftUpdateSerializer(_DraftFieldsSerializer):
    pass


def _passphrase_field(help_text):
    return _Text(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        trim_whitespace=False,
        max_length=500,
        style={"input_type": "password"},
        help_text=help_text,
        error_messages={
            "max_length": "Mật khẩu dài tối đa 500 ký tự.",
            "invalid": "Mật khẩu chứng thư số không hợp lệ.",
        },
    )


class OutgoingApproveSerializer(serializers.Serializer):
    comment = _Text(required=False, allow_blank=True, default="")
    disagreement = _Text(required=False, allow_blank=True, default="", help_text="Ý kiến khác nhau, trình lãnh đạo.")
    passphrase = _passphrase_field(
        "Mật khẩu chứng thư số cá nhân: chỉ ở bước cuối (người ký), ký số tệp PDF dự thảo của phiên bản mới nhất; "
        "bản đã ký được lưu là tệp loại `signed`. Bỏ trống: duyệt ký trên giấy. Mật khẩu không được lưu."
    )


class OutgoingReturnSerializer(serializers.Serializer):
    comment = _Text(
        required=False, allow_blank=True, default="", help_text="Lý do trả lại, nội dung cần sửa (bắt buộc)."
    )


class OutgoingReviseSerializer(serializers.Serializer):
    text = _Text(allow_blank=True, error_messages={"required": "Nội dung dự thảo là bắt buộc."})
    note = _Text(required=False, allow_blank=True, default="")
    files = _files_field()


class OutgoingConsultSerializer(serializers.Serializer):
    users = serializers.ListField(
        child=_pk(User.objects.all(), "Người được xin ý kiến"),
        max_length=50,
        error_messages={
            "required": "Chọn người cần xin ý kiến.",
            "not_a_list": "Người được xin ý kiến phải là một danh sách.",
        },
    )
    question = _Text(required=False, allow_blank=True, default="", max_length=500)


class OutgoingReasonSerializer(serializers.Serializer):
    reason = _Text(required=False, allow_blank=True, default="")


class OutgoingIssueSerializer(serializers.Serializer):
    issued_date = _date_field(required=False, allow_null=True, help_text="Ngày ban hành (mặc định: hôm nay).")
    passphrase = _passphrase_field(
        "Mật khẩu chứng thư số cơ quan: điền số, ký hiệu, ngày vào bản đã ký và ký số cơ quan (đóng dấu) thành tệp "
        "loại `final`; phụ lục PDF được ký số cơ quan (tệp `appendix` mới). Bỏ trống: phát hành không ký số."
    )


class OutgoingFilesSerializer(serializers.Serializer):
    files = _files_field(help_text="Bản gốc phát hành (multipart).")


class OutgoingCommentCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Số phiên bản (mặc định: bản mới nhất).",
        error_messages={"invalid": "Số phiên bản không hợp lệ."},
    )
    text = _Text(required=False, allow_blank=True, default="")


class OutgoingAnswerSerializer(serializers.Serializer):
    opinion = _Text(required=False, allow_blank=True, default="")


class OutgoingReceiveSerializer(serializers.Serializer):
    register = _pk(Register.objects.none(), "Sổ đăng ký", required=False, allow_null=True)
    leader = _pk(User.objects.all(), "Lãnh đạo", required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["register"].queryset = visible(Register, request.user).filter(is_active=True)


class ReviewChainStepInputSerializer(serializers.Serializer):
    label = _Text(allow_blank=True, error_messages={"required": "Tên bước là bắt buộc."})
    kind = _Text(
        help_text="unit_leader | user | signer", error_messages={"required": "Người xử lý của bước là bắt buộc."}
    )
    user = _pk(User.objects.all(), "Người được chỉ định", required=False, allow_null=True)
    days = serializers.IntegerField(required=False, default=3, error_messages={"invalid": "Số ngày không hợp lệ."})


def _steps_field(**kwargs):
    return serializers.ListField(
        child=ReviewChainStepInputSerializer(),
        max_length=chains.MAX_STEPS,
        error_messages={
            "required": "Quy trình phải có ít nhất một bước.",
            "not_a_list": "Các bước phải là một danh sách.",
        },
        **kwargs,
    )


class ReviewChainCreateSerializer(serializers.Serializer):
    agency = _pk(
        Agency.objects.all(), "Cơ quan", required=False, allow_null=True, help_text="Mặc định: cơ quan của người gọi."
    )
    doc_type = _pk(
        DocumentType.objects.all(),
        "Loại văn bản",
        required=False,
        allow_null=True,
        help_text="Trống: áp dụng cho mọi loại văn bản chưa có quy trình riêng.",
    )
    name = _Text(allow_blank=True, error_messages={"required": "Tên quy trình là bắt buộc."})
    steps = _steps_field()


class ReviewChainUpdateSerializer(serializers.Serializer):
    doc_type = _pk(DocumentType.objects.all(), "Loại văn bản", required=False, allow_null=True)
    name = _Text(required=False, allow_blank=True)
    steps = _steps_field(required=False)


# --- Documents ------------------------------------------------------------------------------------------------------


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


def _filter_documents(qs, user, params):
    errors = {}
    box = (params.get("box") or "").strip()
    if box == "mine":
        qs = qs.filter(drafter=user)
    elif box == "to_review":
        # Being the active step's reviewer (or acting for them) is itself a branch of the visibility predicate,
        # so the box starts from the steps instead of intersecting with the whole OR (slow at a million rows).
        reviewers = [user.pk, *delegation.delegator_ids(user, "approval")]
        qs = OutgoingDocument.objects.filter(
            status=OutStatus.IN_REVIEW,
            pk__in=ReviewStep.objects.filter(reviewer_id__in=reviewers, status=StepStatus.ACTIVE).values("document_id"),
        )
    elif box == "to_issue":
        # Documents the caller manages as the issuing clerk are a subset of what they see (approved, own agency).
        qs = manageable(OutgoingDocument, user).filter(status=OutStatus.APPROVED)
    elif box:
        errors["box"] = [f"Hộp văn bản “{box[:40]}” không hợp lệ (mine, to_review hoặc to_issue)."]
    doc_status = (params.get("status") or "").strip()
    if doc_status:
        if doc_status not in OutStatus.values:
            errors["status"] = [f"Trạng thái “{doc_status[:40]}” không hợp lệ."]
        else:
            qs = qs.filter(status=doc_status)
    year = (params.get("year") or "").strip()
    if year:
        if year_param(year) is None:
            errors["year"] = [f"Năm “{year[:40]}” không hợp lệ."]
        else:
            qs = qs.filter(Q(year=year_param(year)) | Q(year__isnull=True, created_at__year=year_param(year)))
    doc_type = (params.get("doc_type") or "").strip()
    if doc_type:
        if int_param(doc_type) is None:
            errors["doc_type"] = ["Loại văn bản không hợp lệ."]
        else:
            qs = qs.filter(doc_type_id=int_param(doc_type))
    q = (params.get("q") or "").strip()[:200]
    if q:
        qs = qs.filter(subject__icontains=q)
    if errors:
        raise ValidationError(errors)
    return qs


def _with_details(qs):
    return qs.select_related("doc_type", "drafter", "signer", "current_step__reviewer").prefetch_related(
        "recipients",
        Prefetch(
            "steps",
            queryset=ReviewStep.objects.select_related("reviewer").prefetch_related(
                Prefetch("consultations", queryset=Consultation.objects.select_related("user").order_by("id"))
            ),
        ),
        Prefetch("versions", queryset=Version.objects.select_related("author").defer("text").order_by("number")),
        Prefetch("files", queryset=OutgoingFile.objects.select_related("file", "version").order_by("id")),
    )


_DOCUMENT_FILTERS = [
    OpenApiParameter("status", str, required=False, enum=OutStatus.values, description="Trạng thái"),
    OpenApiParameter(
        "box",
        str,
        required=False,
        enum=list(BOXES),
        description="mine: dự thảo của tôi; to_review: chờ tôi duyệt; to_issue: chờ cấp số (văn thư)",
    ),
    OpenApiParameter("year", int, required=False, description="Năm"),
    OpenApiParameter("doc_type", int, required=False, description="Loại văn bản"),
    OpenApiParameter("q", str, required=False, description="Tìm theo trích yếu"),
]


def _both(serializer):
    return {"application/json": serializer, "multipart/form-data": serializer}


def trail(document: OutgoingDocument) -> list[dict]:
    """Journal entries of the document and of its review steps, in journal order."""
    step_ids = [str(pk) for pk in document.steps.values_list("pk", flat=True)]
    cond = Q(object_type=OutgoingDocument._meta.label_lower, object_id=str(document.pk))
    if step_ids:
        cond |= Q(object_type=ReviewStep._meta.label_lower, object_id__in=step_ids)
    rows = sentences.annotate(JournalEntry.objects.filter(cond).order_by("seq"), visible=True)
    return [
        {
            "seq": e.seq,
            "when": e.created_at,
            "who": e.actor_repr or "Hệ thống",
            "on_behalf_of": e.on_behalf_of_repr or "",
            "action": e.action,
            "label": e.label,
            "sentence": e.sentence,
            "details": e.details or {},
        }
        for e in rows
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
            qs = _filter_documents(visible(OutgoingDocument, user), user, self.request.query_params)
            return with_parts(qs, user).select_related("doc_type", "drafter", "current_step__reviewer")
        if self.action == "retrieve":
            return _with_details(with_parts(visible(OutgoingDocument, user), user))
        # Every other action reads or changes the drafting record.
        return with_parts(permitted(OutgoingDocument, user, "record"), user)

    def get_serializer_class(self):
        if self.action == "list":
            return OutgoingDocumentSerializer
        return OutgoingDocumentDetailSerializer

    def _detail(self, document, status_code=status.HTTP_200_OK):
        fresh = _with_details(with_parts(visible(OutgoingDocument, self.request.user), self.request.user)).get(
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

    @extend_schema(parameters=_DOCUMENT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=_both(OutgoingDraftCreateSerializer),
        responses={201: OutgoingDocumentDetailSerializer},
        description="Tạo dự thảo (phiên bản 1). Tệp gửi dạng multipart trong `files` (dự thảo) và "
        "`related_files` (tài liệu liên quan); `recipients` là chuỗi JSON trong multipart.",
    )
    def create(self, request, *args, **kwargs):
        data = _valid(OutgoingDraftCreateSerializer, request)
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
        data = _valid(OutgoingDraftUpdateSerializer, request, partial=True)
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
        data = _valid(OutgoingApproveSerializer, request)
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
        data = _valid(OutgoingReturnSerializer, request)
        services.return_draft(request.user, document, comment=data["comment"])
        return self._detail(document)

    @extend_schema(
        request=_both(OutgoingReviseSerializer),
        responses={201: OutgoingVersionTextSerializer},
        description="Sửa dự thảo: tạo phiên bản mới (người soạn thảo, hoặc người đang duyệt).",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        document = self.get_object()
        data = _valid(OutgoingReviseSerializer, request)
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
        data = _valid(OutgoingConsultSerializer, request)
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
        data = _valid(OutgoingReasonSerializer, request)
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
        data = _valid(OutgoingIssueSerializer, request)
        services.issue(
            request.user, document, issued_date=data.get("issued_date"), passphrase=data.get("passphrase") or None
        )
        return self._detail(document)

    @extend_schema(
        request=_both(OutgoingFilesSerializer),
        responses={200: OutgoingDocumentDetailSerializer},
        description="Người soạn thảo xác nhận số, ngày và đính kèm bản gốc phát hành (multipart `files`).",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        document = self.get_object()
        _valid(OutgoingFilesSerializer, request)
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
        data = _valid(OutgoingReasonSerializer, request)
        delivery.recall(request.user, document, data.get("reason", ""))
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
        description="Khác biệt giữa hai phiên bản, theo dòng.",
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
        older, newer = self._version(document, a), self._version(document, b)
        rows = [{"kind": kind, "text": text} for kind, text in services.diff(older, newer)]
        return Response({"a": a, "b": b, "rows": rows})

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
        data = _valid(OutgoingCommentCreateSerializer, request)
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
        data = _valid(OutgoingAnswerSerializer, request)
        answered = services.answer(request.user, consultation, data.get("opinion", ""))
        fresh = self.get_queryset().get(pk=answered.pk)
        return Response(OutgoingConsultationSerializer(fresh).data)


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
        data = _valid(OutgoingReceiveSerializer, request)
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
        data = _valid(OutgoingReasonSerializer, request)
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
        data = _valid(ReviewChainCreateSerializer, request)
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
        data = _valid(ReviewChainUpdateSerializer, request)
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
