"""What the outgoing API accepts: drafts, review decisions, issue, delivery and review chains. Choice fields are plain
strings checked here; the business rules are the services'."""

from __future__ import annotations

from rest_framework import serializers

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Agency, Unit
from vpdt.incoming.models import IncomingDocument, Register

from .. import chains
from ..models import Authority, OutgoingDocument, RecipientKind, Relation
from .fields import Email, Text, choice, date_field, files_field, pk_field


class OutgoingRecipientInputSerializer(serializers.Serializer):
    kind = Text(
        help_text="unit (đơn vị trong cơ quan) | user (cá nhân) | agency (cơ quan trong hệ "
        "thống) | external (ngoài hệ thống)",
        error_messages={"required": "Loại nơi nhận là bắt buộc."},
    )
    unit = pk_field(Unit.objects.all(), "Đơn vị nhận", required=False, allow_null=True)
    user = pk_field(User.objects.all(), "Cá nhân nhận", required=False, allow_null=True)
    agency = pk_field(Agency.objects.all(), "Cơ quan nhận", required=False, allow_null=True)
    name = Text(required=False, allow_blank=True, max_length=300, default="")
    email = Email(
        required=False, allow_blank=True, default="", error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."}
    )
    for_information = serializers.BooleanField(required=False, default=False)

    def validate_kind(self, value):
        return choice(value, RecipientKind.values, "Loại nơi nhận không hợp lệ (unit, user, agency hoặc external).")


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

    doc_type = pk_field(DocumentType.objects.filter(is_active=True), "Loại văn bản", required=False, allow_null=True)
    subject = Text(required=False, allow_blank=True)
    is_legal_normative = serializers.BooleanField(required=False)
    field = pk_field(Field.objects.none(), "Lĩnh vực", required=False, allow_null=True)
    urgency = serializers.IntegerField(
        required=False, help_text="0 thường … 4 hỏa tốc hẹn giờ", error_messages={"invalid": "Độ khẩn không hợp lệ."}
    )
    secrecy = Text(required=False, allow_blank=True, help_text="Để trống: văn bản mật không soạn trên hệ thống.")
    language = Text(required=False, allow_blank=True)
    page_amount = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    description = Text(required=False, allow_blank=True)
    to_places = Text(required=False, allow_blank=True)
    due_date = date_field(required=False, allow_null=True)
    signer = pk_field(User.objects.all(), "Người ký", required=False, allow_null=True)
    authority = Text(required=False, allow_blank=True, help_text="'' | TM | KT | TL | TUQ | Q")
    signer_position = Text(required=False, allow_blank=True, max_length=100)
    recipients = _recipients_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            agency_id = scope_of(request.user).agency_id
            self.fields["field"].queryset = Field.objects.filter(agency_id=agency_id, is_active=True)

    def validate_urgency(self, value):
        return choice(value, Urgency.values, "Độ khẩn không hợp lệ (0 đến 4).")

    def validate_secrecy(self, value):
        return choice(value, Secrecy.values, "Độ mật không hợp lệ.")

    def validate_authority(self, value):
        return choice(value, Authority.values, "Thẩm quyền ký không hợp lệ (TM, KT, TL, TUQ, Q hoặc để trống).")


class OutgoingDraftCreateSerializer(_DraftFieldsSerializer):
    text = Text(required=False, allow_blank=True, default="", help_text="Nội dung dự thảo")
    unit = pk_field(Unit.objects.all(), "Đơn vị soạn thảo", required=False, allow_null=True)
    reply_to = pk_field(IncomingDocument.objects.none(), "Văn bản đến cần trả lời", required=False, allow_null=True)
    related_to = pk_field(
        OutgoingDocument.objects.none(), "Văn bản được thay thế/đính chính", required=False, allow_null=True
    )
    relation = Text(
        required=False, allow_blank=True, default="", help_text="replaces (thay thế) | corrects (đính chính)"
    )
    files = files_field(help_text="Tệp dự thảo (multipart).")
    related_files = files_field(help_text="Tài liệu liên quan cho người duyệt (multipart).")
    appendix_files = files_field(help_text="Phụ lục ban hành kèm theo, mỗi phụ lục một tệp (multipart).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["related_to"].queryset = visible(OutgoingDocument, request.user)
            self.fields["reply_to"].queryset = visible(IncomingDocument, request.user)

    def validate_relation(self, value):
        return choice(value, Relation.values, "Quan hệ không hợp lệ (replaces hoặc corrects).")


class OutgoingDraftUpdateSerializer(_DraftFieldsSerializer):
    pass


def _passphrase_field(help_text):
    return Text(
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
    comment = Text(required=False, allow_blank=True, default="")
    disagreement = Text(required=False, allow_blank=True, default="", help_text="Ý kiến khác nhau, trình lãnh đạo.")
    passphrase = _passphrase_field(
        "Mật khẩu chứng thư số cá nhân: chỉ ở bước cuối (người ký), ký số tệp PDF dự thảo của phiên bản mới nhất; "
        "bản đã ký được lưu là tệp loại `signed`. Bỏ trống: duyệt ký trên giấy. Mật khẩu không được lưu."
    )


class OutgoingReturnSerializer(serializers.Serializer):
    comment = Text(
        required=False, allow_blank=True, default="", help_text="Lý do trả lại, nội dung cần sửa (bắt buộc)."
    )


class OutgoingReviseSerializer(serializers.Serializer):
    text = Text(allow_blank=True, error_messages={"required": "Nội dung dự thảo là bắt buộc."})
    note = Text(required=False, allow_blank=True, default="")
    files = files_field()


class OutgoingConsultSerializer(serializers.Serializer):
    users = serializers.ListField(
        child=pk_field(User.objects.all(), "Người được xin ý kiến"),
        max_length=50,
        error_messages={
            "required": "Chọn người cần xin ý kiến.",
            "not_a_list": "Người được xin ý kiến phải là một danh sách.",
        },
    )
    question = Text(required=False, allow_blank=True, default="", max_length=500)


class OutgoingReasonSerializer(serializers.Serializer):
    reason = Text(required=False, allow_blank=True, default="")


class OutgoingIssueSerializer(serializers.Serializer):
    issued_date = date_field(required=False, allow_null=True, help_text="Ngày ban hành (mặc định: hôm nay).")
    passphrase = _passphrase_field(
        "Mật khẩu chứng thư số cơ quan: điền số, ký hiệu, ngày vào bản đã ký và ký số cơ quan (đóng dấu) thành tệp "
        "loại `final`; phụ lục PDF được ký số cơ quan (tệp `appendix` mới). Bỏ trống: phát hành không ký số."
    )


class OutgoingFilesSerializer(serializers.Serializer):
    files = files_field(help_text="Bản gốc phát hành (multipart).")


class OutgoingCommentCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Số phiên bản (mặc định: bản mới nhất).",
        error_messages={"invalid": "Số phiên bản không hợp lệ."},
    )
    text = Text(required=False, allow_blank=True, default="")


class OutgoingAnswerSerializer(serializers.Serializer):
    opinion = Text(required=False, allow_blank=True, default="")


class OutgoingReceiveSerializer(serializers.Serializer):
    register = pk_field(Register.objects.none(), "Sổ đăng ký", required=False, allow_null=True)
    leader = pk_field(User.objects.all(), "Lãnh đạo", required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["register"].queryset = visible(Register, request.user).filter(is_active=True)


class ReviewChainStepInputSerializer(serializers.Serializer):
    label = Text(allow_blank=True, error_messages={"required": "Tên bước là bắt buộc."})
    kind = Text(
        help_text="unit_leader | user | signer", error_messages={"required": "Người xử lý của bước là bắt buộc."}
    )
    user = pk_field(User.objects.all(), "Người được chỉ định", required=False, allow_null=True)
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
    agency = pk_field(
        Agency.objects.all(), "Cơ quan", required=False, allow_null=True, help_text="Mặc định: cơ quan của người gọi."
    )
    doc_type = pk_field(
        DocumentType.objects.all(),
        "Loại văn bản",
        required=False,
        allow_null=True,
        help_text="Trống: áp dụng cho mọi loại văn bản chưa có quy trình riêng.",
    )
    name = Text(allow_blank=True, error_messages={"required": "Tên quy trình là bắt buộc."})
    steps = _steps_field()


class ReviewChainUpdateSerializer(serializers.Serializer):
    doc_type = pk_field(DocumentType.objects.all(), "Loại văn bản", required=False, allow_null=True)
    name = Text(required=False, allow_blank=True)
    steps = _steps_field(required=False)
