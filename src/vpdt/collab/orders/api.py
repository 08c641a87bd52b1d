"""Tasks API. Viewsets translate HTTP to :mod:`.services`; what a caller sees is :mod:`.policies` (a task they may
not see is a 404), what they may do with a task is its ``actions`` (:func:`.lifecycle.available_actions`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core import work
from vpdt.core.authz import visible
from vpdt.core.dates import ApiDateField
from vpdt.core.pagination import KeysetPagination
from vpdt.directory.models import Unit

from . import queries, services
from .lifecycle import ACTIONS, TASK, available_actions
from .models import Cooperator, FollowUp, FollowUpDelivery, FollowUpKind, Priority, ProgressReport, Task

MAX_ID = 2**63 - 1


class TaskPagination(KeysetPagination):
    ordering = ("deadline", "id")


class TaskSerializer(serializers.ModelSerializer):
    assigner_name = serializers.CharField(source="assigner.full_name", read_only=True)
    lead_name = serializers.CharField(read_only=True)
    cooperators = serializers.SerializerMethodField(help_text="Người, đơn vị phối hợp.")
    actions = serializers.SerializerMethodField(help_text="Việc người gọi được làm: " + ", ".join(ACTIONS) + ".")

    class Meta:
        model = Task
        fields = [
            "id",
            "agency",
            "parent",
            "assigner",
            "assigner_name",
            "lead_user",
            "lead_unit",
            "lead_name",
            "cooperators",
            "title",
            "description",
            "priority",
            "deadline",
            "status",
            "progress",
            "incoming_id",
            "result",
            "reason",
            "extension_until",
            "extension_reason",
            "created_at",
            "completed_at",
            "actions",
        ]
        read_only_fields = fields

    def get_cooperators(self, obj) -> list[str]:
        return [str(c) for c in obj.cooperators.all()]

    def get_actions(self, obj) -> list[str]:
        return sorted(available_actions(self.context["request"].user, obj))


class TaskWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    description = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    deadline = ApiDateField()
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    lead_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    cooperator_users = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False
    )
    cooperator_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    incoming_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    outgoing_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=50
    )
    dossier_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=50
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="Nhiệm vụ cha (giao nhiệm vụ con)."
    )


class StepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX, required=False, allow_blank=True)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    text = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    result = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    until = ApiDateField(required=False)
    kind = serializers.ChoiceField(choices=FollowUpKind.choices, required=False)


class ReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "author", "author_name", "progress", "text", "created_at"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpDelivery
        fields = ["user", "channel", "status", "note", "notification_id"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "author", "assignee_user", "assignee_unit", "kind", "text", "created_at", "deliveries"]
        read_only_fields = fields


def _django_errors(exc: DjangoValidationError):
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


STEPS = {
    "accept": lambda u, t, d: services.accept(u, t),
    "return": lambda u, t, d: services.return_task(u, t, d.get("reason", "")),
    "report": lambda u, t, d: services.report(u, t, progress=d.get("progress"), text=d.get("text", "")),
    "submit": lambda u, t, d: services.submit(u, t, d.get("result", "")),
    "complete": lambda u, t, d: services.complete(u, t),
    "send_back": lambda u, t, d: services.send_back(u, t, d.get("reason", "")),
    "reassign": lambda u, t, d: services.reassign(u, t),
    "request_extension": lambda u, t, d: services.request_extension(
        u, t, until=d.get("until"), reason=d.get("reason", "")
    ),
    "grant_extension": lambda u, t, d: services.grant_extension(u, t),
    "refuse_extension": lambda u, t, d: services.refuse_extension(u, t, d.get("reason", "")),
    "follow_up": lambda u, t, d: services.follow_up(u, t, kind=d.get("kind", ""), text=d.get("text", "")),
}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "view", OpenApiTypes.STR, enum=list(queries.VIEWS), description="Danh sách (mặc định: cua-toi)."
        ),
        OpenApiParameter("han", OpenApiTypes.STR, enum=[work.LATE, work.DUE_SOON], description="Quá hạn, sắp đến hạn."),
    ]
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Nhiệm vụ (giao việc): danh sách theo hạn hoàn thành, sớm nhất trước; giao nhiệm vụ; các bước xử lý."""

    serializer_class = TaskSerializer
    pagination_class = TaskPagination

    def get_queryset(self):
        cooperators = Cooperator.objects.select_related("user", "unit").order_by("id")
        return self._tasks().prefetch_related(Prefetch("cooperators", queryset=cooperators))

    def _tasks(self):
        if self.action != "list":
            return queries.tasks(self.request.user)
        view = self.request.query_params.get("view") or "cua-toi"
        if view not in queries.VIEWS:
            raise ValidationError({"view": "Danh sách không hợp lệ."})
        qs = queries.listing(self.request.user, view)
        which, bad = work.due_param(self.request.query_params)
        if bad:
            raise ValidationError({"han": work.BAD_DUE})
        return queries.due(qs, which)

    @extend_schema(request=TaskWriteSerializer, responses={201: TaskSerializer})
    def create(self, request, *args, **kwargs):
        data = TaskWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = dict(data.validated_data)
        parent_id = args.pop("parent", None)
        if parent_id:
            args["parent"] = queries.tasks(request.user).filter(pk=parent_id).first()
            if args["parent"] is None:
                raise NotFound("Nhiệm vụ cha không tồn tại hoặc bạn không có quyền xem.")
        try:
            task = services.create_task(request.user, **args)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        return Response(TaskSerializer(task, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StepSerializer,
        responses={200: TaskSerializer},
        parameters=[OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(STEPS))],
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)")
    def step(self, request, pk=None, step=None):
        """Một bước xử lý nhiệm vụ (chỉ những bước có trong ``actions``)."""
        task = self.get_object()
        if step not in STEPS:
            raise NotFound("Bước xử lý không tồn tại.")
        try:
            TASK.authorize(task, step, request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            STEPS[step](request.user, task, data.validated_data)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        task = queries.tasks(request.user).get(pk=task.pk)
        return Response(TaskSerializer(task, context={"request": request}).data)

    @extend_schema(responses={200: ReportSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def reports(self, request, pk=None):
        """Báo cáo tiến độ của nhiệm vụ, mới nhất trước."""
        task = self.get_object()
        rows = visible(ProgressReport, request.user).filter(task=task).select_related("author").order_by("-id")
        return Response(ReportSerializer(rows, many=True).data)

    @extend_schema(responses={200: FollowUpSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def followups(self, request, pk=None):
        """Các lần đôn đốc và kết quả gửi qua từng kênh."""
        task = self.get_object()
        rows = visible(FollowUp, request.user).filter(task=task).prefetch_related("deliveries").order_by("-id")
        return Response(FollowUpSerializer(rows, many=True).data)
