"""What the incoming API accepts: registration, submission, direction, replies and the processing steps. The
business rules are the services'."""

from __future__ import annotations

from rest_framework import serializers

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.authz import scope_of, visible
from vpdt.core.dates import ApiDateField, ApiDateTimeField
from vpdt.directory.models import Unit

from .. import services
from ..models import AssignmentRole, NoteKind, Register, Source

DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."}


def date_field(**kwargs):
    return ApiDateField(error_messages=DATE_ERRORS, **kwargs)


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
    issued_date = date_field(required=False, allow_null=True)
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
    due_date = date_field(required=False, allow_null=True)
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.none(), required=False, allow_null=True)
    needs_reply = serializers.BooleanField(required=False)
    reply_due = date_field(required=False, allow_null=True)
    arrival_date = ApiDateTimeField(required=False, allow_null=True, help_text="Ngày đến (mặc định: bây giờ).")
    leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="Trình lãnh đạo: văn bản được trình ngay khi vào sổ (như ô “Trình lãnh đạo” trên màn hình vào "
        "sổ), trừ khi batch=true. Bỏ trống: chưa trình (trình sau bằng /submit/).",
    )
    batch = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Chờ đợt trình theo lịch (VPDT_INCOMING_BATCH_CRON, mặc định 9:00 và 15:00), không trình ngay. "
        "Văn bản khẩn (urgency khác rỗng) luôn được trình ngay. Chỉ có ý nghĩa khi có leader.",
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
    deadline = date_field(required=False, allow_null=True)

    def validate_role(self, value):
        if value not in AssignmentRole.values:
            raise serializers.ValidationError("Vai trò xử lý không hợp lệ (lead, cooperate hoặc inform).")
        return value


class IncomingDirectSerializer(serializers.Serializer):
    direction = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = date_field(required=False, allow_null=True)
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), required=False, allow_null=True)
    targets = IncomingTargetSerializer(many=True)


class IncomingReplyCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(required=False, allow_blank=True, default="")


class IncomingDistributeSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    deadline = date_field(required=False, allow_null=True)
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class IncomingReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class IncomingReassignSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField()
    deadline = date_field(required=False, allow_null=True)


class IncomingNoteCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    text = serializers.CharField()


class IncomingCompleteSerializer(serializers.Serializer):
    result = serializers.CharField()


def validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)
