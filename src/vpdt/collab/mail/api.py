"""Internal mail API: one's mailbox entries (read, move, trash, restore, delete), messages (send, draft, reply,
forward), attachments (download) and personal folders. Viewsets translate HTTP to :mod:`.services`; what a caller
sees is :func:`vpdt.core.authz.visible` (:mod:`.policies`: only through their own mailbox entry)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.api import valid_input as _valid
from vpdt.core.authz import scope_of, visible
from vpdt.core.params import MAX_ID, int_param
from vpdt.core.serializers import Label
from vpdt.core.viewer import file_response

from . import queries, services
from .models import Addressee, Attachment, Box, Folder, Kind, MailboxEntry, Message

BOXES = (Box.INBOX, Box.SENT, Box.DRAFTS, queries.TRASH)


class AddresseeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Addressee
        fields = ["user", "unit", "name"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="file.original_name", read_only=True)
    size = serializers.IntegerField(source="file.size", read_only=True)
    sha256 = serializers.CharField(source="file.sha256", read_only=True)
    content_type = serializers.CharField(source="file.content_type", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "message", "name", "size", "sha256", "content_type"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = Label(source="get_kind_display")
    sender_name = serializers.CharField(source="sender.full_name", read_only=True)
    addressees = AddresseeSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "kind_display",
            "subject",
            "body",
            "sender",
            "sender_name",
            "addressees",
            "attachments",
            "reply_to",
            "forwarded_from",
            "sent_at",
            "created_at",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    box = serializers.CharField(read_only=True)
    box_display = Label(source="get_box_display")
    subject = serializers.CharField(source="message.subject", read_only=True)
    kind = serializers.CharField(source="message.kind", read_only=True)
    sender = serializers.IntegerField(source="message.sender_id", read_only=True)
    sender_name = serializers.CharField(source="message.sender.full_name", read_only=True)
    sent_at = serializers.DateTimeField(source="message.sent_at", read_only=True)
    unread = serializers.BooleanField(read_only=True)
    actions = serializers.SerializerMethodField(
        help_text="Việc người gọi làm được với bản thư của mình: reply, reply_all, forward, mark_unread, move, "
        "trash, restore, delete, edit."
    )

    class Meta:
        model = MailboxEntry
        fields = [
            "id",
            "message",
            "box",
            "box_display",
            "folder",
            "via_unit",
            "subject",
            "kind",
            "sender",
            "sender_name",
            "sent_at",
            "unread",
            "read_at",
            "trashed_at",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, entry) -> list[str]:
        return sorted(services.available_actions(entry))


class FolderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Folder
        fields = ["id", "name", "created_at"]
        read_only_fields = ["id", "created_at"]


def _ids(help_text: str):
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=services.MAX_ADDRESSEES,
        help_text=help_text,
    )


def _files():
    return serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, help_text="Tệp đính kèm (multipart)."
    )


class SendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.LETTER)
    subject = serializers.CharField(max_length=services.MAX_SUBJECT)
    body = serializers.CharField(max_length=services.MAX_BODY, required=False, allow_blank=True, default="")
    users = _ids("Người nhận (mã người dùng cùng cơ quan).")
    units = _ids("Đơn vị nhận (mọi người đang công tác tại đơn vị lúc gửi).")
    draft = serializers.BooleanField(required=False, default=False, help_text="Chỉ lưu nháp, chưa gửi.")
    files = _files()


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_BODY, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.LETTER)
    all = serializers.BooleanField(required=False, default=False, help_text="Trả lời tất cả.")
    files = _files()


class ForwardSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_BODY, required=False, allow_blank=True, default="")
    users = _ids("Người nhận.")
    units = _ids("Đơn vị nhận.")
    files = _files()


class MoveSerializer(serializers.Serializer):
    folder = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False, help_text="Thư mục; trống: về hộp thư gốc."
    )


def _people(request, data) -> tuple[list, list]:
    """The users and units named by id, among the caller's agency's members and units (anyone else: an error)."""
    scope = scope_of(request.user)
    if not queries.has_mailbox(scope):
        raise ValidationError({"detail": ["Tài khoản chưa thuộc cơ quan nào nên không có hộp thư nội bộ."]})
    units_qs, people_qs = services.people_and_units(scope.agency_id)
    user_ids, unit_ids = set(data.get("users") or []), set(data.get("units") or [])
    users = list(people_qs.filter(pk__in=user_ids))
    units = list(units_qs.filter(pk__in=unit_ids))
    errors = {}
    if len(users) != len(user_ids):
        errors["users"] = ["Có người nhận không công tác tại cơ quan của bạn."]
    if len(units) != len(unit_ids):
        errors["units"] = ["Có đơn vị nhận không thuộc cơ quan của bạn."]
    if errors:
        raise ValidationError(errors)
    return users, units


def _message_out(request, message, code=status.HTTP_200_OK):
    message = visible(Message, request.user).select_related("sender").get(pk=message.pk)
    return Response(MessageSerializer(message).data, status=code)


class MailEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own copies of mail. Filters: ``box`` (inbox, sent, drafts, trash; default inbox), ``folder``
    (a personal folder's id, instead of a box), ``unread=1``."""

    serializer_class = EntrySerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MailboxEntry.objects.none()
        user = self.request.user
        if self.action != "list":
            return queries.for_list(queries.entries(user))
        params = self.request.query_params
        if params.get("folder"):
            folder = queries.folders(user).filter(pk=int_param(params["folder"]) or 0).first()
            if folder is None:
                raise ValidationError({"folder": ["Thư mục không tồn tại."]})
            qs = queries.in_folder(user, folder)
        else:
            code = params.get("box") or Box.INBOX
            if code not in BOXES:
                raise ValidationError({"box": ["Hộp thư không hợp lệ (inbox, sent, drafts, trash)."]})
            qs = queries.box(user, code)
        if params.get("unread") in ("1", "true"):
            qs = qs.filter(box=Box.INBOX, read_at__isnull=True)
        return queries.for_list(qs)

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, description="inbox | sent | drafts | trash"),
            OpenApiParameter("folder", int, description="Thư mục cá nhân."),
            OpenApiParameter("unread", bool, description="Chỉ thư chưa đọc."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _entry_out(self, entry):
        fresh = self.get_queryset().filter(pk=entry.pk).first()
        if fresh is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(EntrySerializer(fresh).data)

    @extend_schema(
        responses={200: inline_serializer("MailUnreadCount", {"unread": serializers.IntegerField()})},
        description="Số thư chưa đọc (tối đa 100).",
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": queries.unread_count(request.user)})

    @extend_schema(request=None, responses={200: EntrySerializer}, description="Đánh dấu đã đọc.")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        entry = self.get_object()
        services.mark_read(request.user, entry)
        return self._entry_out(entry)

    @extend_schema(request=None, responses={200: EntrySerializer}, description="Đánh dấu chưa đọc.")
    @action(detail=True, methods=["post"])
    def unread(self, request, pk=None):
        entry = self.get_object()
        services.mark_read(request.user, entry, read=False)
        return self._entry_out(entry)

    @extend_schema(request=MoveSerializer, responses={200: EntrySerializer}, description="Chuyển vào thư mục.")
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        entry = self.get_object()
        folder_id = _valid(MoveSerializer, request).get("folder")
        folder = None
        if folder_id:
            folder = queries.folders(request.user).filter(pk=folder_id).first()
            if folder is None:
                raise ValidationError({"folder": ["Thư mục không tồn tại."]})
        return self._entry_out(services.move(request.user, entry, folder))

    @extend_schema(request=None, responses={200: EntrySerializer}, description="Chuyển bản thư của mình vào thùng rác.")
    @action(detail=True, methods=["post"])
    def trash(self, request, pk=None):
        return self._entry_out(services.trash(request.user, self.get_object()))

    @extend_schema(request=None, responses={200: EntrySerializer}, description="Khôi phục từ thùng rác.")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._entry_out(services.restore(request.user, self.get_object()))

    @extend_schema(
        request=None,
        responses={204: None},
        description="Xóa hẳn bản thư của mình (đã ở thùng rác); người khác vẫn giữ bản của họ.",
    )
    def destroy(self, request, pk=None):
        services.delete(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MailMessageViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Messages the caller has a copy of. Sending creates one; reply and forward answer or pass one on."""

    serializer_class = MessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return visible(Message, self.request.user).select_related("sender")

    @extend_schema(
        request={"application/json": SendSerializer, "multipart/form-data": SendSerializer},
        responses={201: MessageSerializer},
        description="Gửi thư (hoặc lưu nháp với draft=true) đến người và đơn vị cùng cơ quan.",
    )
    def create(self, request, *args, **kwargs):
        data = _valid(SendSerializer, request)
        users, units = _people(request, data)
        files = request.FILES.getlist("files")
        common = {"kind": data["kind"], "subject": data["subject"], "body": data["body"], "files": files}
        if data["draft"]:
            message = services.save_draft(request.user, users=users, units=units, **common)
        else:
            message = services.send(request.user, users=users, units=units, **common)
        return _message_out(request, message, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MessageSerializer}, description="Gửi một thư nháp của mình.")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        draft = self.get_object()
        if not draft.is_draft or draft.sender_id != request.user.pk:
            raise ValidationError({"detail": ["Thư đã được gửi; chỉ gửi được thư nháp của mình."]})
        addressees = list(draft.addressees.select_related("user", "unit"))
        message = services.send(
            request.user,
            kind=draft.kind,
            subject=draft.subject,
            body=draft.body,
            users=[a.user for a in addressees if a.user_id],
            units=[a.unit for a in addressees if a.unit_id],
            draft=draft,
        )
        return _message_out(request, message)

    @extend_schema(
        request={"application/json": ReplySerializer, "multipart/form-data": ReplySerializer},
        responses={201: MessageSerializer},
        description="Trả lời người gửi (all=true: trả lời tất cả).",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        original = self.get_object()
        data = _valid(ReplySerializer, request)
        message = services.reply(
            request.user,
            original,
            body=data["body"],
            to_all=data["all"],
            kind=data["kind"],
            files=request.FILES.getlist("files"),
        )
        return _message_out(request, message, status.HTTP_201_CREATED)

    @extend_schema(
        request={"application/json": ForwardSerializer, "multipart/form-data": ForwardSerializer},
        responses={201: MessageSerializer},
        description="Chuyển tiếp thư (kèm tệp của thư gốc) đến người hoặc đơn vị khác cùng cơ quan.",
    )
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        original = self.get_object()
        data = _valid(ForwardSerializer, request)
        users, units = _people(request, data)
        message = services.forward(
            request.user, original, users=users, units=units, body=data["body"], files=request.FILES.getlist("files")
        )
        return _message_out(request, message, status.HTTP_201_CREATED)


class MailAttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Attachments of the messages the caller has a copy of."""

    serializer_class = AttachmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return visible(Attachment, self.request.user).select_related("file")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, description="Tải tệp.")
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        stored = self.get_object().file
        try:
            handle = default_storage.open(stored.name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


class MailFolderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's personal folders. Deleting one returns its mail to the boxes."""

    serializer_class = FolderSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Folder.objects.none()
        return queries.folders(self.request.user)

    @extend_schema(request=FolderSerializer, responses={201: FolderSerializer}, description="Tạo thư mục.")
    def create(self, request, *args, **kwargs):
        data = _valid(FolderSerializer, request)
        folder = services.create_folder(request.user, data["name"])
        return Response(FolderSerializer(folder).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FolderSerializer, responses={200: FolderSerializer}, description="Đổi tên thư mục.")
    def partial_update(self, request, *args, **kwargs):
        folder = self.get_object()
        data = _valid(FolderSerializer, request)
        return Response(FolderSerializer(services.rename_folder(request.user, folder, data["name"])).data)

    def perform_destroy(self, instance):
        services.delete_folder(self.request.user, instance)
