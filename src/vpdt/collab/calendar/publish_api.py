"""API of the published weekly calendar: the publications the caller sees (their agency's), a week's state with
the caller's ``actions``, publishing a week (one action), and the printed copy (PDF) and spreadsheet (XLSX) of a
publication. Who may publish is :mod:`.publish_lifecycle`; a publication of another agency is a 404."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core.api import valid_input
from vpdt.core.authz import scope_of
from vpdt.core.dates import ApiDateField, DateInputError, parse_date
from vpdt.directory.models import Agency

from . import exports, publishing, queries
from .models import PublishedWeek
from .publish_lifecycle import ACTIONS, WEEK, WeekState, WeekStatus, available_actions
from .publish_views import XLSX, download


class CalendarPublishedWeekSerializer(serializers.ModelSerializer):
    published_by_name = serializers.CharField(source="published_by.full_name", read_only=True)
    week_label = serializers.SerializerMethodField()

    class Meta:
        model = PublishedWeek
        fields = [
            "id",
            "agency",
            "monday",
            "week_label",
            "version",
            "published_by",
            "published_by_name",
            "published_at",
            "entry_count",
            "public_count",
        ]
        read_only_fields = fields

    def get_week_label(self, obj) -> str:
        return publishing.week_label(obj.monday)


class CalendarPublishedWeekDetailSerializer(CalendarPublishedWeekSerializer):
    days = serializers.SerializerMethodField(help_text="Nội dung đã phát hành: bảy ngày, buổi sáng và buổi chiều.")

    class Meta(CalendarPublishedWeekSerializer.Meta):
        fields = [*CalendarPublishedWeekSerializer.Meta.fields, "days"]
        read_only_fields = fields

    def get_days(self, obj) -> list[dict]:
        return obj.snapshot.get("days", [])


class CalendarWeekStateSerializer(serializers.Serializer):
    monday = serializers.DateField()
    week_label = serializers.CharField()
    status = serializers.ChoiceField(choices=WeekStatus.choices)
    status_label = serializers.CharField()
    latest = serializers.IntegerField(allow_null=True)
    approved_count = serializers.IntegerField()
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="Việc người gọi được làm: " + ", ".join(ACTIONS)
    )


class CalendarPublishSerializer(serializers.Serializer):
    week = ApiDateField(help_text="Một ngày của tuần phát hành (dd/mm/yyyy).")


def _agency(user) -> Agency:
    scope = scope_of(user)
    if scope.agency_id is None:
        raise PermissionDenied("Lịch công tác dành cho người đang công tác tại một cơ quan.")
    return Agency.objects.get(pk=scope.agency_id)


def _week(params):
    try:
        day = parse_date(params.get("week"))
    except DateInputError as exc:
        raise ValidationError({"week": str(exc)}) from None
    return queries.monday_of(day or timezone.localdate())


@extend_schema(
    parameters=[OpenApiParameter("week", OpenApiTypes.STR, description="Chỉ tuần có ngày này (dd/mm/yyyy).")]
)
class PublishedWeekViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lịch công tác tuần đã phát hành của cơ quan người gọi: mỗi lần phát hành một bản, mới nhất trước."""

    serializer_class = CalendarPublishedWeekSerializer

    def get_queryset(self):
        qs = publishing.published(self.request.user)
        if self.action == "list":
            qs = qs.defer("snapshot")
            if self.request.query_params.get("week"):
                qs = qs.filter(monday=_week(self.request.query_params))
        return qs

    def get_serializer_class(self):
        return CalendarPublishedWeekDetailSerializer if self.action == "retrieve" else CalendarPublishedWeekSerializer

    @extend_schema(
        parameters=[OpenApiParameter("week", OpenApiTypes.STR, description="Một ngày của tuần (dd/mm/yyyy).")],
        responses={200: CalendarWeekStateSerializer},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def state(self, request):
        """Tình trạng phát hành của tuần: chưa phát hành, đã phát hành, có thay đổi chưa phát hành."""
        agency = _agency(request.user)
        state = publishing.week_state(agency, _week(request.query_params), request.user)
        return Response(
            {
                "monday": state.monday,
                "week_label": publishing.week_label(state.monday),
                "status": state.status,
                "status_label": WeekStatus(state.status).label,
                "latest": state.latest.pk if state.latest else None,
                "approved_count": state.live_count,
                "actions": sorted(available_actions(request.user, state)),
            }
        )

    @extend_schema(request=CalendarPublishSerializer, responses={201: CalendarPublishedWeekSerializer})
    @action(detail=False, methods=["post"], pagination_class=None)
    def publish(self, request):
        """Phát hành lịch công tác tuần (văn phòng, lãnh đạo cơ quan): lần phát hành tiếp theo, báo cho cơ quan."""
        agency = _agency(request.user)
        data = valid_input(CalendarPublishSerializer, request)
        monday = queries.monday_of(data["week"])
        WEEK.authorize(WeekState(agency.pk, monday, WeekStatus.UNPUBLISHED), "publish", request.user)
        item = publishing.publish(request.user, agency, monday)
        item = self.get_queryset().get(pk=item.pk)
        return Response(CalendarPublishedWeekSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, description="Bản in (A4 ngang).")
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        item = self.get_object()
        return download(item, exports.pdf(item), "pdf", "application/pdf")

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY}, description="Bảng tính.")
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        item = self.get_object()
        return download(item, exports.xlsx(item), "xlsx", XLSX)
