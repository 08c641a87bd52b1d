from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from vpdt.core.authz import scope_of
from vpdt.core.roles import Role

from . import policies, sentences, services
from .filters import filter_entries
from .models import JournalEntry


class JournalEntrySerializer(serializers.ModelSerializer):
    object_repr = serializers.CharField(
        allow_null=True, read_only=True, help_text="Tên đối tượng; null khi người xem không được xem nội dung."
    )
    details = serializers.JSONField(
        allow_null=True, read_only=True, help_text="Chi tiết; null khi người xem không được xem nội dung."
    )
    content_visible = serializers.BooleanField(
        read_only=True, help_text="Người xem có được xem nội dung (tên đối tượng, chi tiết)."
    )
    sentence = serializers.CharField(
        read_only=True,
        help_text="Sự kiện kể bằng một câu tiếng Việt; không nêu nội dung khi người xem không được xem nội dung.",
    )
    label = serializers.CharField(read_only=True, help_text="Tên ngắn của hành động (vd. “Trình duyệt”).")

    class Meta:
        model = JournalEntry
        fields = [
            "seq",
            "created_at",
            "actor",
            "actor_repr",
            "on_behalf_of",
            "on_behalf_of_repr",
            "agency",
            "action",
            "label",
            "sentence",
            "object_type",
            "object_id",
            "object_repr",
            "details",
            "content_visible",
            "ip",
            "prev_hash",
            "hash",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.content_visible:
            data["object_repr"] = data["details"] = None
        return data


class JournalVerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())


@extend_schema(
    parameters=[
        OpenApiParameter(n, str, required=False)
        for n in ("action", "actor", "object", "date_from", "date_to", "agency")
    ]
)
class JournalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The journal, as far as the caller administers it; content only of the objects the caller may see."""

    serializer_class = JournalEntrySerializer
    ordering = ("-seq",)
    lookup_field = "seq"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return JournalEntry.objects.none()
        scope = scope_of(self.request.user)
        if not (scope.is_admin or scope.has_role(Role.IT_OFFICER)):
            raise PermissionDenied("Chỉ quản trị hệ thống và cán bộ CNTT được xem nhật ký.")
        qs, _values, errors = filter_entries(policies.readable(self.request.user), self.request.query_params, scope)
        if errors:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"detail": errors})
        return qs

    def paginate_queryset(self, queryset):
        return sentences.annotate(policies.mark_content(super().paginate_queryset(queryset), self.request.user))

    def get_object(self):
        return sentences.annotate(policies.mark_content([super().get_object()], self.request.user))[0]

    @extend_schema(request=None, responses={200: JournalVerifySerializer})
    @action(detail=False, methods=["post"])
    def verify(self, request):
        scope = scope_of(request.user)
        if not (scope.is_superuser or scope.province_path):
            raise PermissionDenied("Chỉ quản trị cấp tỉnh được kiểm tra toàn bộ chuỗi nhật ký.")
        result = services.verify()
        return Response({"ok": result.ok, "checked": result.checked, "problems": result.problems})
