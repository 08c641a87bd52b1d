"""Polls API. Viewsets translate HTTP to :mod:`.services`; what a caller sees is the predicates of
:mod:`.policies` (a poll they may not see is a 404); what they may do with a poll (or with a request for more time)
is its ``actions``, from :mod:`.lifecycle`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vpdt.core.api import valid_input as _valid
from vpdt.core.authz import visible
from vpdt.core.dates import ApiDateField
from vpdt.core.parsers import FormParser, JSONParser
from vpdt.directory.models import Unit
from vpdt.outgoing.models import OutgoingDocument, Version
from vpdt.storage.uploads import MultiPartParser

from . import lifecycle, queries, services
from .models import Answer, Choice, DeadlineRequest, Poll, PollGrant


class PollSerializer(serializers.ModelSerializer):
    poller_name = serializers.CharField(source="poller.full_name", read_only=True)
    units = serializers.SerializerMethodField(help_text="Đơn vị được lấy ý kiến (rỗng khi lấy toàn cơ quan).")
    actions = serializers.SerializerMethodField(
        help_text=(
            "Việc người gọi được làm: answer, ask_more_time, results, export, extend_deadline, close, "
            "request_extension, extend."
        )
    )

    class Meta:
        model = Poll
        fields = [
            "id",
            "agency",
            "poller",
            "poller_name",
            "title",
            "question",
            "version",
            "file",
            "whole_agency",
            "units",
            "deadline",
            "status",
            "created_at",
            "closed_at",
            "summary",
            "summary_comment",
            "expires_at",
            "extension_until",
            "extension_reason",
            "extension_requested_at",
            "actions",
        ]
        read_only_fields = fields

    def get_units(self, obj) -> list[int]:
        return sorted(obj.units.values_list("unit_id", flat=True))

    def get_actions(self, obj) -> list[str]:
        return sorted(lifecycle.available_actions(self.context["request"].user, obj))


class PollWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    question = serializers.CharField(max_length=services.TEXT_MAX)
    deadline = ApiDateField(help_text="Hạn trả lời.")
    version = serializers.PrimaryKeyRelatedField(
        queryset=Version.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Phiên bản dự thảo không tồn tại."},
    )
    upload = serializers.FileField(required=False, allow_null=True, help_text="Tệp dự thảo (thay cho phiên bản).")
    whole_agency = serializers.BooleanField(default=True)
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        many=True,
        required=False,
        error_messages={"does_not_exist": "Đơn vị không tồn tại."},
    )


class PollAnswerSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "poll", "user", "user_name", "choice", "text", "created_at", "updated_at", "files"]
        read_only_fields = fields

    def get_files(self, obj) -> list[int]:
        return [f.file_id for f in obj.files.all()]


class PollAnswerWriteSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)
    text = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class PollNewDeadlineSerializer(serializers.Serializer):
    until = ApiDateField(help_text="Hạn trả lời mới.")


class PollCloseSerializer(serializers.Serializer):
    attach = serializers.BooleanField(default=True, help_text="Gửi bản tổng hợp vào dự thảo dưới dạng góp ý.")


class PollExtensionRequestSerializer(serializers.Serializer):
    until = ApiDateField(help_text="Đề nghị lưu đến ngày.")
    reason = serializers.CharField(max_length=services.REASON_MAX)


class PollExtendSerializer(serializers.Serializer):
    until = ApiDateField(required=False, allow_null=True, help_text="Để trống: ngày người lấy ý kiến đề nghị.")


class PollMoreTimeSerializer(serializers.Serializer):
    until = ApiDateField(help_text="Đề nghị gia hạn trả lời đến ngày.")
    reason = serializers.CharField(max_length=services.REASON_MAX)


class PollDeadlineRequestSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    actions = serializers.SerializerMethodField(help_text="Việc người gọi được làm: grant, decline.")

    class Meta:
        model = DeadlineRequest
        fields = [
            "id",
            "poll",
            "user",
            "user_name",
            "until",
            "reason",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "granted_until",
            "decision_reason",
            "actions",
        ]
        read_only_fields = fields

    def get_actions(self, obj) -> list[str]:
        return sorted(lifecycle.request_actions(self.context["request"].user, obj))


class PollGrantMoreTimeSerializer(serializers.Serializer):
    until = ApiDateField(required=False, allow_null=True, help_text="Để trống: ngày người hỏi đề nghị.")


class PollDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


class PollSummarySerializer(serializers.Serializer):
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    not_answered = serializers.IntegerField()
    counts = serializers.ListField(child=serializers.DictField())
    units = serializers.ListField(child=serializers.DictField())
    texts = serializers.ListField(child=serializers.DictField())
    silent = serializers.ListField(child=serializers.DictField())


@extend_schema_view(create=extend_schema(request=PollWriteSerializer, responses={201: PollSerializer}))
class PollViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Đợt lấy ý kiến: những đợt người gọi lấy ý kiến, được hỏi, hoặc (lãnh đạo cơ quan) của cơ quan."""

    serializer_class = PollSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return queries.polls(self.request.user).prefetch_related("units")

    def create(self, request):
        data = _valid(PollWriteSerializer, request)
        poll = services.open_poll(
            request.user,
            title=data["title"],
            question=data["question"],
            deadline=data["deadline"],
            version=data.get("version"),
            upload=data.get("upload"),
            whole_agency=data["whole_agency"] and not data.get("units"),
            units=data.get("units") or [],
        )
        return Response(self.get_serializer(poll).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PollAnswerWriteSerializer, responses=PollAnswerSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Cho ý kiến (hoặc sửa ý kiến của mình) trước hạn trả lời."""
        poll = self.get_object()
        data = _valid(PollAnswerWriteSerializer, request)
        return Response(PollAnswerSerializer(services.answer(request.user, poll, **data)).data)

    @extend_schema(responses=PollAnswerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def answers(self, request, pk=None):
        """Các ý kiến: người lấy ý kiến và lãnh đạo cơ quan xem tất cả; người được hỏi chỉ thấy ý kiến của mình."""
        poll = self.get_object()
        return Response(PollAnswerSerializer(queries.answers(request.user, poll), many=True).data)

    @extend_schema(responses=PollSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """Tổng hợp: số ý kiến theo loại, theo đơn vị, người chưa trả lời và nội dung ý kiến."""
        poll = self.get_object()
        lifecycle.POLL.authorize(poll, "results", request.user)
        return Response(PollSummarySerializer(queries.summary(poll)).data)

    @extend_schema(request=PollNewDeadlineSerializer, responses=PollSerializer)
    @action(detail=True, methods=["post"], url_path="extend-deadline")
    def extend_deadline(self, request, pk=None):
        """Người lấy ý kiến gia hạn trả lời."""
        poll = self.get_object()
        data = _valid(PollNewDeadlineSerializer, request)
        return Response(self.get_serializer(services.extend_deadline(request.user, poll, **data)).data)

    @extend_schema(request=PollMoreTimeSerializer, responses={201: PollDeadlineRequestSerializer})
    @action(detail=True, methods=["post"], url_path="ask-more-time")
    def ask_more_time(self, request, pk=None):
        """Người được hỏi đề nghị người lấy ý kiến gia hạn trả lời, có lý do."""
        poll = self.get_object()
        data = _valid(PollMoreTimeSerializer, request)
        item = services.ask_more_time(request.user, poll, **data)
        return Response(
            PollDeadlineRequestSerializer(item, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PollCloseSerializer, responses=PollSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Người lấy ý kiến kết thúc đợt lấy ý kiến (bản tổng hợp được lưu, và gửi vào dự thảo nếu chọn)."""
        poll = self.get_object()
        data = _valid(PollCloseSerializer, request)
        return Response(self.get_serializer(services.close(request.user, poll, **data)).data)

    @extend_schema(request=PollExtensionRequestSerializer, responses=PollSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        """Người lấy ý kiến đề nghị quản trị hệ thống của cơ quan gia hạn lưu."""
        poll = self.get_object()
        data = _valid(PollExtensionRequestSerializer, request)
        return Response(self.get_serializer(services.request_extension(request.user, poll, **data)).data)

    @extend_schema(request=PollExtendSerializer, responses=PollSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Quản trị hệ thống của cơ quan gia hạn lưu đợt lấy ý kiến đã kết thúc."""
        poll = self.get_object()
        data = _valid(PollExtendSerializer, request)
        return Response(self.get_serializer(services.extend(request.user, poll, **data)).data)


class PollDeadlineRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Đề nghị gia hạn trả lời: người đề nghị thấy đề nghị của mình; người lấy ý kiến (và lãnh đạo cơ quan) thấy tất
    cả; người lấy ý kiến gia hạn hoặc không gia hạn."""

    serializer_class = PollDeadlineRequestSerializer
    parser_classes = [JSONParser, FormParser]

    def get_queryset(self):
        return (
            visible(DeadlineRequest, self.request.user)
            .select_related("user", "poll__agency", "poll__poller")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=PollGrantMoreTimeSerializer, responses=PollDeadlineRequestSerializer)
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        """Người lấy ý kiến gia hạn trả lời (mặc định đến ngày được đề nghị)."""
        item = self.get_object()
        data = _valid(PollGrantMoreTimeSerializer, request)
        return Response(self.get_serializer(services.grant_more_time(request.user, item, **data)).data)

    @extend_schema(request=PollDeclineSerializer, responses=PollDeadlineRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Người lấy ý kiến không gia hạn trả lời, có lý do."""
        item = self.get_object()
        data = _valid(PollDeclineSerializer, request)
        return Response(self.get_serializer(services.decline_more_time(request.user, item, **data)).data)


class PollGrantSerializer(serializers.ModelSerializer):
    grantee_name = serializers.CharField(source="grantee.full_name", read_only=True)

    class Meta:
        model = PollGrant
        fields = [
            "id",
            "agency",
            "grantee",
            "grantee_name",
            "granted_by",
            "document",
            "valid_until",
            "created_at",
            "revoked_at",
        ]
        read_only_fields = fields


class PollGrantWriteSerializer(serializers.Serializer):
    grantee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), error_messages={"does_not_exist": "Người được giao không tồn tại."}
    )
    document = serializers.PrimaryKeyRelatedField(
        queryset=OutgoingDocument.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Dự thảo không tồn tại."},
    )
    valid_until = ApiDateField(required=False, allow_null=True)


@extend_schema_view(create=extend_schema(request=PollGrantWriteSerializer, responses={201: PollGrantSerializer}))
class PollGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Giao quyền lấy ý kiến: lãnh đạo cơ quan giao, người được giao xem quyền của mình."""

    serializer_class = PollGrantSerializer

    def get_queryset(self):
        return queries.grants(self.request.user)

    def create(self, request):
        data = _valid(PollGrantWriteSerializer, request)
        item = services.grant(
            request.user, data["grantee"], document=data.get("document"), valid_until=data.get("valid_until")
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PollGrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Lãnh đạo cơ quan thu hồi quyền lấy ý kiến."""
        return Response(self.get_serializer(services.revoke(request.user, self.get_object())).data)
