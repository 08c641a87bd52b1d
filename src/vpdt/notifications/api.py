"""Notifications API: the caller's own notifications (another's is a 404), marking read, and the caller's
preferences (which channels for which topic)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import channels, queries, services, topics
from .models import Notification

UNREAD = OpenApiParameter("unread", OpenApiTypes.BOOL, description="Chỉ thông báo chưa đọc.")


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "verb",
            "topic",
            "text",
            "body",
            "url",
            "target_type",
            "target_id",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class ChoiceSerializer(serializers.Serializer):
    topic = serializers.CharField(
        max_length=20, help_text="Mã nhóm thông báo: " + ", ".join(t.code for t in topics.every()) + "."
    )
    channel = serializers.CharField(
        max_length=20, help_text="Mã kênh: " + ", ".join(c.code for c in channels.every()) + "."
    )
    enabled = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    choices = ChoiceSerializer(
        many=True,
        max_length=200,
        help_text=(
            "Các lựa chọn cần đổi; nhóm và kênh không gửi lên giữ nguyên. Kênh in_app (trong hệ thống) luôn bật."
        ),
    )


class ChannelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    optional = serializers.BooleanField(help_text="Người dùng có được tắt kênh này không.")
    unavailable = serializers.CharField(help_text="Lý do kênh không đến được người gọi (trống: đến được).")


class TopicSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField()
    channels = serializers.DictField(child=serializers.BooleanField(), help_text="Mã kênh → có nhận hay không.")


class PreferencesOutSerializer(serializers.Serializer):
    channels = ChannelSerializer(many=True)
    topics = TopicSerializer(many=True)


def _preferences(user, values: dict) -> dict:
    return {
        "channels": [
            {"code": c.code, "label": str(c.label), "optional": c.optional, "unavailable": c.unavailable(user)}
            for c in channels.every()
        ],
        "topics": [
            {
                "code": t.code,
                "label": str(t.label),
                "help": str(t.help),
                "channels": {c.code: values[t.code, c.code] for c in channels.every()},
            }
            for t in topics.every()
        ],
    }


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Thông báo của người gọi, mới nhất trước."""

    serializer_class = NotificationSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.action == "list" and self.request.query_params.get("unread", "").lower() in ("1", "true")
        return queries.inbox(self.request.user, unread_only=unread)

    @extend_schema(parameters=[UNREAD])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="Đánh dấu đã đọc")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(request.user, notification)
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        summary="Đánh dấu tất cả đã đọc",
        responses={200: inline_serializer("NotificationsReadAll", {"updated": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"updated": services.mark_all_read(request.user)})

    @extend_schema(
        summary="Số thông báo chưa đọc",
        responses={200: inline_serializer("NotificationsUnread", {"unread": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": queries.unread_count(request.user)})

    @extend_schema(methods=["GET"], summary="Cách nhận thông báo", responses={200: PreferencesOutSerializer})
    @extend_schema(
        methods=["PATCH"],
        summary="Đổi cách nhận thông báo",
        request=PreferencesSerializer,
        responses={200: PreferencesOutSerializer},
    )
    @action(detail=False, methods=["get", "patch"])
    def preferences(self, request):
        if request.method == "GET":
            return Response(_preferences(request.user, queries.choices(request.user)))
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = services.set_preferences(
            request.user, {(c["topic"], c["channel"]): c["enabled"] for c in data.validated_data["choices"]}
        )
        return Response(_preferences(request.user, values))
