"""Announcements and boards API. Viewsets translate HTTP to :mod:`.services`; what a caller sees is the predicates
of :mod:`.policies` (an object they may not read is a 404), what they may do with an announcement is its
``actions``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core.api import valid_input as _valid
from vpdt.core.authz import visible
from vpdt.core.dates import ApiDateField
from vpdt.core.params import int_param
from vpdt.core.serializers import Label
from vpdt.directory.models import Unit

from . import queries, services
from .models import Announcement, AnnouncementRead, Board, BoardMember, Post

NO_BOARD = "Bảng tin không tồn tại hoặc bạn không có quyền xem."
BOARD_PARAM = OpenApiParameter("board", OpenApiTypes.INT, description="Mã bảng tin (bắt buộc).", required=True)


class AnnouncementSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)
    units = serializers.SerializerMethodField(help_text="Đơn vị nhận (rỗng khi gửi toàn cơ quan).")
    is_read = serializers.SerializerMethodField(help_text="Người gọi đã đánh dấu đã đọc.")
    actions = serializers.SerializerMethodField(
        help_text="Việc người gọi được làm: edit, remove, receipts, request_extension, extend, decline_extension, "
        "mark_read."
    )

    class Meta:
        model = Announcement
        fields = [
            "id",
            "agency",
            "author",
            "author_name",
            "posted_as",
            "title",
            "body",
            "whole_agency",
            "units",
            "created_at",
            "updated_at",
            "expires_at",
            "extension_until",
            "extension_reason",
            "extension_requested_at",
            "is_read",
            "actions",
        ]
        read_only_fields = fields

    def get_units(self, obj) -> list[int]:
        return sorted(obj.audience.values_list("unit_id", flat=True))

    def get_is_read(self, obj) -> bool:
        if hasattr(obj, "is_read"):
            return obj.is_read
        return obj.reads.filter(user=self.context["request"].user).exists()

    def get_actions(self, obj) -> list[str]:
        return sorted(queries.announcement_actions(self.context["request"].user, obj))


class AnnouncementWriteSerializer(serializers.Serializer):
    capacity = serializers.CharField(
        max_length=40, help_text="Tư cách đăng: leader, unit:<mã đơn vị> hoặc board:<mã bảng tin>."
    )
    title = serializers.CharField(max_length=services.TITLE_MAX)
    body = serializers.CharField(max_length=services.BODY_MAX)
    whole_agency = serializers.BooleanField(default=True)
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": "Đơn vị không tồn tại."},
    )


class AnnouncementEditSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    body = serializers.CharField(max_length=services.BODY_MAX)


class ExtensionRequestSerializer(serializers.Serializer):
    until = ApiDateField(help_text="Đề nghị lưu đến ngày.")
    reason = serializers.CharField(max_length=services.REASON_MAX)


class ExtendSerializer(serializers.Serializer):
    until = ApiDateField(required=False, allow_null=True, help_text="Để trống: ngày người đăng đề nghị.")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


class ReceiptSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = AnnouncementRead
        fields = ["user", "user_name", "read_at"]
        read_only_fields = fields


@extend_schema_view(
    create=extend_schema(request=AnnouncementWriteSerializer, responses={201: AnnouncementSerializer}),
    partial_update=extend_schema(request=AnnouncementEditSerializer, responses=AnnouncementSerializer),
)
class AnnouncementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Thông báo: những thông báo người gọi nhận hoặc đã đăng, mới nhất trước."""

    serializer_class = AnnouncementSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return queries.announcements(self.request.user).prefetch_related("audience")

    def create(self, request):
        data = _valid(AnnouncementWriteSerializer, request)
        announcement = services.post_announcement(
            request.user,
            capacity=data["capacity"],
            title=data["title"],
            body=data["body"],
            whole_agency=data["whole_agency"] and not data.get("units"),
            units=data.get("units") or [],
        )
        return Response(self.get_serializer(announcement).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        announcement = self.get_object()
        data = _valid(AnnouncementEditSerializer, request)
        announcement = services.edit_announcement(request.user, announcement, **data)
        return Response(self.get_serializer(announcement).data)

    def perform_destroy(self, instance):
        services.remove_announcement(self.request.user, instance)

    @extend_schema(request=None, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Đánh dấu đã đọc (xác nhận đọc được lưu lại)."""
        announcement = self.get_object()
        services.mark_read(request.user, announcement)
        return Response(self.get_serializer(self.get_queryset().get(pk=announcement.pk)).data)

    @extend_schema(responses=ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """Người đã đọc và thời điểm đọc: chỉ người đăng thông báo xem được."""
        announcement = self.get_object()
        if "receipts" not in queries.announcement_actions(request.user, announcement):
            raise PermissionDenied("Chỉ người đăng thông báo xem được danh sách người đã đọc.")
        return Response(ReceiptSerializer(queries.receipts(request.user, announcement), many=True).data)

    @extend_schema(request=ExtensionRequestSerializer, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        """Người đăng đề nghị quản trị hệ thống của cơ quan gia hạn lưu thông báo."""
        announcement = self.get_object()
        data = _valid(ExtensionRequestSerializer, request)
        return Response(self.get_serializer(services.request_extension(request.user, announcement, **data)).data)

    @extend_schema(request=ExtendSerializer, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Quản trị hệ thống của cơ quan gia hạn lưu thông báo."""
        announcement = self.get_object()
        data = _valid(ExtendSerializer, request)
        return Response(self.get_serializer(services.extend(request.user, announcement, **data)).data)

    @extend_schema(request=DeclineSerializer, responses=AnnouncementSerializer)
    @action(detail=True, methods=["post"], url_path="decline-extension")
    def decline_extension(self, request, pk=None):
        """Quản trị hệ thống của cơ quan không gia hạn, có lý do."""
        announcement = self.get_object()
        data = _valid(DeclineSerializer, request)
        return Response(self.get_serializer(services.decline_extension(request.user, announcement, **data)).data)


class BoardSerializer(serializers.ModelSerializer):
    kind_display = Label(source="get_kind_display")
    is_member = serializers.BooleanField(read_only=True)
    can_post = serializers.BooleanField(read_only=True, help_text="Người gọi đọc và đăng tin trên bảng tin này.")
    can_manage = serializers.BooleanField(read_only=True, help_text="Người gọi quản lý thành viên bảng tin này.")

    class Meta:
        model = Board
        fields = ["id", "agency", "kind", "kind_display", "is_member", "can_post", "can_manage"]
        read_only_fields = fields


class BoardViewSet(viewsets.ReadOnlyModelViewSet):
    """Bảng tin của cơ quan: công cộng (mọi người) và chi bộ, công đoàn, chi đoàn (thành viên)."""

    serializer_class = BoardSerializer

    def get_queryset(self):
        return queries.boards(self.request.user)


def _board(request, value=None) -> Board:
    """The board named by the ``board`` query parameter (lists) or ``value`` (a body's board), if the caller sees
    it."""
    pk = int_param(request.query_params.get("board") if value is None else getattr(value, "pk", value))
    if pk is None:
        raise ValidationError({"board": "Mã bảng tin là bắt buộc."})
    board = queries.boards(request.user).filter(pk=pk).first()
    if board is None:
        raise ValidationError({"board": NO_BOARD})
    return board


class PostSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "board", "author", "author_name", "title", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]
        extra_kwargs = {"board": {"queryset": Board.objects.all(), "error_messages": {"does_not_exist": NO_BOARD}}}


@extend_schema_view(list=extend_schema(parameters=[BOARD_PARAM]))
class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Tin trên bảng tin: chỉ người đọc được bảng tin mới thấy; người đăng gỡ tin của mình."""

    serializer_class = PostSerializer

    def get_queryset(self):
        qs = visible(Post, self.request.user).select_related("author").order_by("-created_at", "-id")
        if self.action == "list":
            qs = qs.filter(board_id=_board(self.request).pk)
        return qs

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = _board(request, serializer.validated_data["board"])
        post = services.create_post(
            request.user, board, title=serializer.validated_data["title"], body=serializer.validated_data["body"]
        )
        return Response(self.get_serializer(post).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_post(self.request.user, instance)


class MemberSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = BoardMember
        fields = ["id", "board", "user", "user_name", "is_manager", "may_announce", "added_at"]
        read_only_fields = ["id", "user_name", "added_at"]
        extra_kwargs = {
            "board": {"queryset": Board.objects.all(), "error_messages": {"does_not_exist": NO_BOARD}},
            "user": {"queryset": get_user_model().objects.all()},
        }


class MemberChangeSerializer(serializers.Serializer):
    is_manager = serializers.BooleanField(required=False)
    may_announce = serializers.BooleanField(required=False)


@extend_schema_view(
    list=extend_schema(parameters=[BOARD_PARAM]),
    partial_update=extend_schema(request=MemberChangeSerializer, responses=MemberSerializer),
)
class BoardMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Thành viên bảng tin nhóm: người quản lý bảng tin thêm, bớt; quản trị cơ quan chỉ định người quản lý."""

    serializer_class = MemberSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = visible(BoardMember, self.request.user).select_related("user").order_by("user__full_name", "id")
        if self.action == "list":
            qs = qs.filter(board_id=_board(self.request).pk)
        return qs

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        board = _board(request, data["board"])
        member = services.add_member(
            request.user,
            board,
            data["user"],
            is_manager=data.get("is_manager", False),
            may_announce=data.get("may_announce", False),
        )
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = _valid(MemberChangeSerializer, request)
        member = services.change_member(request.user, member, **data)
        return Response(self.get_serializer(member).data)

    def perform_destroy(self, instance):
        services.remove_member(self.request.user, instance)
