"""What the incoming API answers: documents, attachments, assignments and their notes, the trail and reply
requests."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vpdt.core.serializers import Label
from vpdt.signing import receipt
from vpdt.signing.verification_api import FileVerificationSerializer

from .. import lifecycle, queries
from ..models import Assignment, IncomingDocument, ProcessingNote


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
    kind_display = Label(source="get_kind_display")
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ProcessingNote
        fields = ["id", "kind", "kind_display", "text", "author", "author_name", "created_at"]
        read_only_fields = fields


class IncomingAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as listed (inbox, unit queue): no long texts."""

    role = serializers.CharField(read_only=True, help_text="lead | cooperate | inform")
    role_display = Label(source="get_role_display")
    status = serializers.CharField(read_only=True, help_text="pending | in_progress | done | returned | reassigned")
    status_display = Label(source="get_status_display")
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
    status_display = Label(source="get_status_display")
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
    source_display = Label(source="get_source_display")
    urgency = serializers.IntegerField(read_only=True, help_text="0 thường … 4 hỏa tốc hẹn giờ")
    doc_type_name = serializers.CharField(source="doc_type.name", read_only=True)
    urgency_display = Label(source="get_urgency_display")
    status = serializers.CharField(
        read_only=True, help_text="registered | submitted | directed | in_progress | completed"
    )
    status_display = Label(source="get_status_display")

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
        return trail_data(obj)


class IncomingRegisteredSerializer(IncomingDocumentDetailSerializer):
    submitted = serializers.BooleanField(
        read_only=True,
        help_text="Đã trình lãnh đạo ngay: có leader và không chờ đợt trình (batch), hoặc văn bản khẩn.",
    )

    class Meta(IncomingDocumentDetailSerializer.Meta):
        fields = IncomingDocumentDetailSerializer.Meta.fields + ["submitted"]
        read_only_fields = fields


def trail_data(document) -> list[dict]:
    return IncomingTrailEntrySerializer(queries.trail(document), many=True).data
