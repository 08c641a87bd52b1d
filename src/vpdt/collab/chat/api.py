"""Chat API: the caller's conversations (another's is a 404), their messages (the newest page, or those after an
id, as a page polls), posting a message (JSON, or multipart with files), reading, the members of a group (list,
add, remove) and leaving. Attachments are read through the conversation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.core.api import valid_input as _valid
from vpdt.core.params import MAX_ID, int_param
from vpdt.core.viewer import file_response

from . import queries, services
from .models import Conversation, Kind, Member, Message

AFTER = OpenApiParameter("after", OpenApiTypes.INT, description="Chỉ các tin nhắn có mã lớn hơn (cũ nhất trước).")
BEFORE = OpenApiParameter("before", OpenApiTypes.INT, description="Các tin nhắn cũ hơn mã này (trang trước).")


class ChatAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="file.original_name")
    size = serializers.IntegerField(source="file.size")
    sha256 = serializers.CharField(source="file.sha256")
    content_type = serializers.CharField(source="file.content_type")


class ChatMessageSerializer(serializers.ModelSerializer):
    sender = serializers.IntegerField(source="sender_id")
    sender_name = serializers.CharField(source="sender.full_name")
    mentions = serializers.SerializerMethodField()
    attachments = ChatAttachmentSerializer(many=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "conversation",
            "sender",
            "sender_name",
            "text",
            "event",
            "created_at",
            "mentions",
            "attachments",
        ]
        read_only_fields = fields

    def get_mentions(self, obj) -> list[int]:
        return [u.pk for u in obj.mentions.all()]


class ConversationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = ["id", "kind", "title", "created_at", "last_message_id", "last_message_at", "unread"]
        read_only_fields = fields

    def get_title(self, obj) -> str:
        return queries.title_of(self.context["request"].user, obj, self.context.get("names"))

    def get_unread(self, obj) -> int:
        unread = getattr(obj, "unread", None)
        if unread is None:
            member = queries.membership(self.context["request"].user, obj)
            unread = queries.unread_count(member) if member else 0
        return unread


class ChatMemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    full_name = serializers.CharField(source="user.full_name")

    class Meta:
        model = Member
        fields = ["user", "full_name", "is_manager", "joined_at"]
        read_only_fields = fields


def _ids(help_text: str, required: bool = True):
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=services.MAX_GROUP,
        required=required,
        help_text=help_text,
    )


class ConversationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="direct: trò chuyện riêng; group: nhóm.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="Tên nhóm.")
    members = _ids("Mã người dùng: một người (direct) hoặc các thành viên (group), cùng cơ quan.")


class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_TEXT, required=False, allow_blank=True, trim_whitespace=False)
    mentions = _ids("Mã các thành viên được nhắc đến (ngoài những người gõ @Họ tên trong nội dung).", required=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=services.MAX_FILES)


class AddMembersSerializer(serializers.Serializer):
    members = _ids("Mã người dùng cùng cơ quan cần thêm vào nhóm.")


class ReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Mã tin nhắn mới nhất đã xem.")


def _people(ids) -> list:
    return list(User.objects.filter(pk__in=list(ids or [])))


def _page_param(request, name):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    value = int_param(raw)
    if value is None:
        raise ValidationError({name: "Mã tin nhắn không hợp lệ."})
    return value


class ConversationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Hội thoại của người gọi (đang là thành viên), hội thoại mới nhất trước, kèm số tin nhắn chưa đọc."""

    serializer_class = ConversationSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Conversation.objects.none()
        return queries.conversations(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        memberships = {
            m.conversation_id: m.unread
            for m in queries.memberships(request.user).filter(conversation_id__in=[c.pk for c in page])
        }
        for conversation in page:
            conversation.unread = memberships.get(conversation.pk, 0)
        context = {**self.get_serializer_context(), "names": queries.partners(request.user, [c.pk for c in page])}
        return self.get_paginated_response(ConversationSerializer(page, many=True, context=context).data)

    def _out(self, conversation, code=status.HTTP_200_OK):
        return Response(ConversationSerializer(conversation, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ConversationCreateSerializer, responses={201: ConversationSerializer})
    def create(self, request, *args, **kwargs):
        data = _valid(ConversationCreateSerializer, request)
        people = _people(data["members"])
        if len(people) != len(set(data["members"])):
            raise ValidationError({"members": "Có mã người dùng không tồn tại."})
        if data["kind"] == Kind.DIRECT:
            if len(people) != 1:
                raise ValidationError({"members": "Trò chuyện riêng là với đúng một người."})
            conversation = services.open_direct(request.user, people[0])
        else:
            conversation = services.create_group(request.user, data.get("title", ""), people)
        return self._out(conversation, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        parameters=[AFTER, BEFORE],
        responses={200: ChatMessageSerializer(many=True)},
        summary="Tin nhắn của hội thoại",
        description="Không tham số: các tin nhắn mới nhất; after: các tin nhắn sau mã đó (tối đa 100); "
        "before: trang cũ hơn. Luôn theo thứ tự cũ trước.",
    )
    @extend_schema(
        methods=["POST"],
        request={"application/json": MessageCreateSerializer, "multipart/form-data": MessageCreateSerializer},
        responses={201: ChatMessageSerializer},
        summary="Gửi tin nhắn",
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        conversation = self.get_object()
        if request.method == "POST":
            data = _valid(MessageCreateSerializer, request)
            message = services.send(
                request.user,
                conversation,
                data.get("text", ""),
                files=request.FILES.getlist("files") or data.get("files", []),
                mentions=data.get("mentions", []),
            )
            message = queries.messages(request.user, conversation, after=message.pk - 1, limit=1)[0]
            return Response(ChatMessageSerializer(message).data, status=status.HTTP_201_CREATED)
        after, before = _page_param(request, "after"), _page_param(request, "before")
        if after is not None:
            shown = queries.messages(request.user, conversation, after=after, limit=100)
        else:
            shown = queries.messages(request.user, conversation, before=before)
        return Response(ChatMessageSerializer(shown, many=True).data)

    @extend_schema(request=ReadSerializer, responses={200: ConversationSerializer}, summary="Đánh dấu đã đọc")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        conversation = self.get_object()
        services.mark_read(request.user, conversation, _valid(ReadSerializer, request)["up_to"])
        return self._out(conversation)

    @extend_schema(methods=["GET"], responses={200: ChatMemberSerializer(many=True)}, summary="Thành viên hiện tại")
    @extend_schema(
        methods=["POST"],
        request=AddMembersSerializer,
        responses={200: ChatMemberSerializer(many=True)},
        summary="Thêm thành viên (trưởng nhóm)",
    )
    @action(detail=True, methods=["get", "post"], url_path="members")
    def members(self, request, pk=None):
        conversation = self.get_object()
        if request.method == "POST":
            ids = _valid(AddMembersSerializer, request)["members"]
            people = _people(ids)
            if len(people) != len(set(ids)):
                raise ValidationError({"members": "Có mã người dùng không tồn tại."})
            services.add_members(request.user, conversation, people)
        return Response(ChatMemberSerializer(queries.members(request.user, conversation), many=True).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Mời một thành viên ra khỏi nhóm (trưởng nhóm)",
        operation_id="chat_remove_member",
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_pk>[0-9]+)")
    def remove_member(self, request, pk=None, user_pk=None):
        conversation = self.get_object()
        member = queries.members(request.user, conversation).filter(user_id=int_param(user_pk) or 0).first()
        if member is None:
            raise Http404
        services.remove_member(request.user, conversation, member.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None}, summary="Rời nhóm")
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        services.leave(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="Tệp đính kèm.")},
        summary="Tải tệp đính kèm",
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<att_pk>[0-9]+)")
    def file(self, request, pk=None, att_pk=None):
        attachment = queries.attachment(request.user, int_param(pk) or 0, int_param(att_pk) or 0)
        if attachment is None:
            raise Http404
        stored = attachment.file
        try:
            handle = default_storage.open(stored.name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)
