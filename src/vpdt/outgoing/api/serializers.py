"""What the outgoing API answers: documents (the drafting record, or the published part only), steps, versions,
consultations, deliveries and review chains."""

from __future__ import annotations

from rest_framework import serializers

from vpdt.core.authz import scope_of
from vpdt.core.serializers import Label

from ..lifecycle import available_actions
from ..models import OutgoingDocument
from .fields import Text


class OutgoingFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = Text(
        help_text="draft | related | final | appendix | signed (final, appendix và signed có thể mang chữ ký số)"
    )
    kind_display = Label(source="get_kind_display")
    version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    file = serializers.IntegerField(source="file_id")
    name = Text(source="file.original_name")
    content_type = Text(source="file.content_type")
    size = serializers.IntegerField(source="file.size")
    sha256 = Text(source="file.sha256")
    added_by = serializers.IntegerField(source="added_by_id")
    created_at = serializers.DateTimeField()
    published = serializers.BooleanField(help_text="Tệp thuộc văn bản phát hành (không phải hồ sơ soạn thảo)")


class OutgoingVersionSerializer(serializers.Serializer):
    """Version metadata (lists never carry the text)."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    note = Text(allow_blank=True)
    author = serializers.IntegerField(source="author_id")
    author_name = Text(source="author.full_name")
    step = serializers.IntegerField(source="step_id", allow_null=True)
    created_at = serializers.DateTimeField()


class OutgoingVersionTextSerializer(OutgoingVersionSerializer):
    text = Text(allow_blank=True)


class OutgoingConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step_id")
    step_label = Text(source="step.label")
    document = serializers.IntegerField(source="step.document_id")
    document_subject = Text(source="step.document.subject")
    user = serializers.IntegerField(source="user_id")
    user_name = Text(source="user.full_name")
    requested_by = serializers.IntegerField(source="requested_by_id")
    requested_by_name = Text(source="requested_by.full_name")
    opinion = Text(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class OutgoingStepConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    user_name = Text(source="user.full_name")
    opinion = Text(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)


class OutgoingStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    order = serializers.IntegerField()
    label = Text()
    kind = Text(help_text="unit_leader | user | signer")
    kind_display = Label(source="get_kind_display")
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = Text(source="reviewer.full_name")
    status = Text(help_text="waiting | active | approved | returned | cancelled")
    status_display = Label(source="get_status_display")
    days = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    comment = Text(allow_blank=True)
    disagreement = Text(allow_blank=True)
    consultations = OutgoingStepConsultationSerializer(many=True)


class OutgoingRecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = Text(help_text="unit | user | agency | external")
    kind_display = Label(source="get_kind_display")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    user = serializers.IntegerField(source="user_id", allow_null=True)
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    name = Text(allow_blank=True)
    email = Text(allow_blank=True)
    for_information = serializers.BooleanField()
    status = Text(
        allow_blank=True,
        help_text="Mã trạng thái gửi nhận (edXML): '' chưa gửi, 01 đã "
        "đến, 02 từ chối, 03 đã tiếp nhận, 04 đã phân công, 05 "
        "đang xử lý, 06 hoàn thành, 13 đang thu hồi, 15 đã thu hồi",
    )
    status_display = Label(source="get_status_display")
    delivered_at = serializers.DateTimeField(allow_null=True)
    status_at = serializers.DateTimeField(allow_null=True)
    reason = Text(allow_blank=True)


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

    drafter_name = Text(source="drafter.full_name", read_only=True)
    doc_type_name = Text(source="doc_type.name", read_only=True)
    urgency = serializers.IntegerField(read_only=True, help_text="0 thường … 4 hỏa tốc hẹn giờ")
    urgency_display = Label(source="get_urgency_display")
    status = Text(
        read_only=True, help_text="drafting | in_review | returned | approved | issued | recalled | cancelled"
    )
    status_display = Label(source="get_status_display")
    current_reviewer = serializers.IntegerField(
        source="current_step.reviewer_id", read_only=True, allow_null=True, default=None
    )
    current_reviewer_name = Text(
        source="current_step.reviewer.full_name", read_only=True, allow_null=True, default=None
    )
    number_symbol = Text(read_only=True)
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
    signer_name = Text(source="signer.full_name", read_only=True, allow_null=True, default=None)
    authority = Text(read_only=True, help_text="'' | TM | KT | TL | TUQ | Q")
    authority_display = Label(source="get_authority_display")
    relation = Text(read_only=True, help_text="'' | replaces | corrects")
    relation_display = Label(source="get_relation_display")
    secrecy = Text(read_only=True)
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
    author_name = Text(source="author.full_name")
    text = Text()
    created_at = serializers.DateTimeField()


LEVEL_HELP = (
    "Người sửa: drafter (người soạn thảo) | unit_leader (lãnh đạo đơn vị, bút xanh) | agency_leader (lãnh đạo cơ "
    "quan, bút đỏ) | reviewer (người được chỉ định duyệt, không giữ chức vụ lãnh đạo)"
)


class OutgoingDiffAuthorSerializer(serializers.Serializer):
    """A version of the range compared, after the older one: who made it, at which review step."""

    version = serializers.IntegerField(help_text="Số phiên bản")
    author = serializers.IntegerField()
    author_name = Text()
    level = Text(help_text=LEVEL_HELP)
    level_display = Text(help_text="Cấp người sửa, tiếng Việt")
    step = serializers.IntegerField(allow_null=True, help_text="Bước duyệt mà người duyệt sửa (null: người soạn thảo)")
    step_label = Text(allow_blank=True)
    created_at = serializers.DateTimeField()


class OutgoingDiffPieceSerializer(serializers.Serializer):
    """A run of words: unchanged, or added or removed by one version (hence one person, one level)."""

    kind = Text(help_text="same | added | removed")
    text = Text(allow_blank=True, help_text="Các từ, dấu câu và khoảng trắng, nối lại cho đúng văn bản")
    version = serializers.IntegerField(
        allow_null=True, help_text="Phiên bản đã thêm hoặc xóa (null: phần giống nhau, hoặc so sánh ngược)"
    )
    author = serializers.IntegerField(allow_null=True)
    author_name = Text(allow_null=True)
    level = Text(allow_null=True, help_text=LEVEL_HELP)


class OutgoingDiffSerializer(serializers.Serializer):
    a = serializers.IntegerField(help_text="Phiên bản cũ")
    b = serializers.IntegerField(help_text="Phiên bản mới")
    attributed = serializers.BooleanField(
        help_text="Mỗi thay đổi kèm người sửa (a ≤ b); false khi so phiên bản mới hơn với cũ hơn: chỉ nêu khác biệt"
    )
    changed = serializers.BooleanField(help_text="Hai phiên bản khác nhau")
    authors = OutgoingDiffAuthorSerializer(many=True, help_text="Các phiên bản sau phiên bản a, đến phiên bản b")
    pieces = OutgoingDiffPieceSerializer(
        many=True,
        help_text="Khác biệt theo từ, như trang So sánh phiên bản: nối các text của same và added "
        "được phiên bản b, của same và removed được phiên bản a",
    )


def diff_data(comparison) -> dict:
    """A :class:`vpdt.outgoing.diffing.Comparison` for :class:`OutgoingDiffSerializer`."""
    authors = {entry["version"].number: entry for entry in comparison.authors}

    def piece(p) -> dict:
        version = p.version
        return {
            "kind": p.kind,
            "text": p.text,
            "version": version.number if version else None,
            "author": version.author_id if version else None,
            "author_name": version.author.full_name if version else None,
            "level": authors[version.number]["code"] if version and version.number in authors else None,
        }

    return {
        "a": comparison.older.number,
        "b": comparison.newer.number,
        "attributed": comparison.older.number <= comparison.newer.number,
        "changed": comparison.changed,
        "authors": [
            {
                "version": entry["version"].number,
                "author": entry["version"].author_id,
                "author_name": entry["version"].author.full_name,
                "level": entry["code"],
                "level_display": entry["role"],
                "step": entry["version"].step_id,
                "step_label": entry["version"].step.label if entry["version"].step_id else "",
                "created_at": entry["version"].created_at,
            }
            for entry in comparison.authors
        ],
        "pieces": [piece(p) for p in comparison.pieces],
    }


class OutgoingPlannedStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    label = Text()
    kind = Text(help_text="unit_leader | user | signer")
    kind_display = Text()
    reviewer = serializers.IntegerField(allow_null=True)
    reviewer_name = Text(allow_null=True)
    days = serializers.IntegerField()
    skipped_reason = Text(allow_blank=True)


class OutgoingTrailEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    when = serializers.DateTimeField()
    who = Text(allow_blank=True)
    on_behalf_of = Text(allow_blank=True)
    action = Text()
    label = Text()
    sentence = Text(help_text="Sự kiện kể bằng một câu tiếng Việt (như nhật ký hệ thống).")
    details = serializers.JSONField()


class OutgoingDeliverySerializer(serializers.Serializer):
    """A delivery to a recipient agency, as its clerk sees it."""

    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    sender = serializers.IntegerField(source="document.agency_id")
    sender_name = Text(source="document.agency.name")
    number_symbol = Text(source="document.number_symbol")
    issued_date = serializers.DateField(source="document.issued_date", allow_null=True)
    subject = Text(source="document.subject")
    doc_type_name = Text(source="document.doc_type.name")
    urgency = serializers.IntegerField(source="document.urgency")
    urgency_display = Text(source="document.get_urgency_display")
    agency = serializers.IntegerField(source="agency_id")
    status = Text(
        allow_blank=True,
        help_text="01 đã đến | 02 từ chối | 03 đã tiếp nhận | … | 13 đang thu hồi | 15 đã thu hồi | 16 từ chối thu hồi",
    )
    status_display = Label(source="get_status_display")
    delivered_at = serializers.DateTimeField(allow_null=True)
    status_at = serializers.DateTimeField(allow_null=True)
    reason = Text(allow_blank=True)
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
    detail = Text()
    existing = OutgoingDuplicateExistingSerializer()


class ReviewChainStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    label = Text()
    kind = Text(help_text="unit_leader | user | signer")
    kind_display = Label(source="get_kind_display")
    user = serializers.IntegerField(source="user_id", allow_null=True)
    user_name = Text(source="user.full_name", allow_null=True, default=None)
    days = serializers.IntegerField()


class ReviewChainSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField(source="agency_id")
    doc_type = serializers.IntegerField(
        source="doc_type_id", allow_null=True, help_text="Trống: áp dụng cho mọi loại văn bản khác."
    )
    doc_type_name = Text(source="doc_type.name", allow_null=True, default=None)
    name = Text()
    is_active = serializers.BooleanField()
    steps = ReviewChainStepSerializer(many=True)
