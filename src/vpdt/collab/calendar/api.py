"""Work calendar API. Viewsets translate HTTP to :mod:`.services`; what a caller sees is :mod:`.policies` (an entry
they may not see is a 404), what they may do with an entry is its ``actions`` (:func:`.lifecycle.available_actions`).

A booking whose people are busy answers 409 with the clashes; sent again with ``confirm`` true, it goes through. A
room already taken answers 400 (``room``): it never goes through."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from vpdt.core.api import valid_input
from vpdt.core.authz import manageable, scope_of, visible
from vpdt.core.dates import ApiDateField, DateInputError, parse_date
from vpdt.core.pagination import KeysetPagination
from vpdt.directory.models import Agency, Unit

from . import calendars, queries, rights, services
from .lifecycle import ACTIONS, ENTRY, available_actions
from .models import CalendarGrant, Entry, Frequency, ParticipantRole, Reminder, Room

MAX_ID = 2**63 - 1
MAX_DAYS = 62


class CalendarEntryPagination(KeysetPagination):
    ordering = ("starts_at", "id")


class CalendarEntrySerializer(serializers.ModelSerializer):
    calendar = serializers.SerializerMethodField(help_text="Khóa của lịch: co-quan, don-vi-<mã>, lanh-dao-<mã>.")
    calendar_name = serializers.SerializerMethodField()
    chair_name = serializers.CharField(source="chair.full_name", read_only=True)
    room_name = serializers.SerializerMethodField()
    where = serializers.CharField(read_only=True)
    participants = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="Việc người gọi được làm: " + ", ".join(ACTIONS) + ".")

    class Meta:
        model = Entry
        fields = [
            "id",
            "agency",
            "calendar",
            "calendar_name",
            "series",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "room_name",
            "place",
            "where",
            "video_url",
            "chair",
            "chair_name",
            "participants",
            "links",
            "is_public",
            "status",
            "reason",
            "remind_minutes",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "actions",
        ]
        read_only_fields = fields

    def get_calendar(self, obj) -> str:
        return calendars.of_entry(obj).key

    def get_calendar_name(self, obj) -> str:
        return calendars.of_entry(obj).name

    def get_room_name(self, obj) -> str:
        return obj.room.name if obj.room_id else ""

    def get_participants(self, obj) -> list[dict]:
        return [
            {"user": p.user_id, "unit": p.unit_id, "name": str(p), "role": p.role}
            for p in obj.participants.select_related("user", "unit")
        ]

    def get_links(self, obj) -> list[dict]:
        return [{"kind": link.kind, "object_id": link.object_id, "label": link.label} for link in obj.links.all()]

    def get_actions(self, obj) -> list[str]:
        return sorted(available_actions(self.context["request"].user, obj))


class CalendarParticipantWriteSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(), required=False, allow_null=True)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.ATTEND)


class CalendarRecurrenceSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    until = ApiDateField(required=False, allow_null=True)
    count = serializers.IntegerField(required=False, allow_null=True, min_value=2, max_value=services.MAX_OCCURRENCES)


def _ids():
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=services.MAX_LINKS
    )


class CalendarEntryEditSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=services.TITLE_MAX)
    day = ApiDateField()
    start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"])
    chair = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    participants = CalendarParticipantWriteSerializer(many=True, required=False, max_length=services.MAX_PARTICIPANTS)
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    place = serializers.CharField(max_length=services.PLACE_MAX, required=False, allow_blank=True)
    video_url = serializers.CharField(max_length=services.URL_MAX, required=False, allow_blank=True)
    description = serializers.CharField(max_length=services.TEXT_MAX, required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False, default=False)
    remind_minutes = serializers.ChoiceField(choices=Reminder.choices, required=False, allow_null=True)
    incoming_ids = _ids()
    outgoing_ids = _ids()
    dossier_ids = _ids()
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="Vẫn đăng ký khi có người trùng lịch (phòng họp trùng thì không)."
    )


class CalendarEntryWriteSerializer(CalendarEntryEditSerializer):
    calendar = serializers.CharField(max_length=40, help_text="co-quan, don-vi-<mã>, lanh-dao-<mã>.")
    recurrence = CalendarRecurrenceSerializer(required=False, allow_null=True)


class CalendarStepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX, required=False, allow_blank=True)
    whole_series = serializers.BooleanField(required=False, default=False)


class CalendarClashSerializer(serializers.Serializer):
    detail = serializers.CharField()
    people = serializers.ListField(child=serializers.CharField())


def _arguments(data: dict) -> dict:
    parts = []
    for item in data.pop("participants", None) or []:
        parts.append(services.Part(item["role"], user=item.get("user"), unit=item.get("unit")))
    data["participants"] = parts
    recurrence = data.pop("recurrence", None)
    if recurrence:
        data["recurrence"] = services.Recurrence(
            recurrence["frequency"], until=recurrence.get("until"), count=recurrence.get("count")
        )
    data.setdefault("room", None)
    return data


def _clash(exc: services.PersonClash) -> Response:
    return Response(
        {
            "detail": "Có người đã có lịch khác trùng thời gian. Gửi lại với confirm=true để vẫn đăng ký.",
            "people": exc.clashes,
        },
        status=status.HTTP_409_CONFLICT,
    )


def _agency(user) -> Agency:
    scope = scope_of(user)
    if scope.agency_id is None:
        raise PermissionDenied("Lịch công tác dành cho người đang công tác tại một cơ quan.")
    return Agency.objects.get(pk=scope.agency_id)


def _calendar(user, key):
    found = calendars.resolve(_agency(user), key or calendars.AGENCY_KEY)
    if found is None:
        raise ValidationError({"calendar": "Không có lịch này trong cơ quan."})
    return found


def _date(params, name):
    try:
        return parse_date(params.get(name))
    except DateInputError as exc:
        raise ValidationError({name: str(exc)}) from None


STEPS = {
    "approve": lambda u, e, d: services.approve(u, e, whole_series=d["whole_series"]),
    "refuse": lambda u, e, d: services.refuse(u, e, d.get("reason", ""), whole_series=d["whole_series"]),
    "cancel": lambda u, e, d: services.cancel(u, e, d.get("reason", ""), whole_series=d["whole_series"]),
}


@extend_schema(
    parameters=[
        OpenApiParameter("calendar", OpenApiTypes.STR, description="Lịch (mặc định co-quan)."),
        OpenApiParameter("from", OpenApiTypes.STR, description="Từ ngày (dd/mm/yyyy; mặc định thứ Hai tuần này)."),
        OpenApiParameter("to", OpenApiTypes.STR, description=f"Đến ngày (tối đa {MAX_DAYS} ngày)."),
    ]
)
class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lịch công tác, lịch họp: các lịch người gọi được xem của một lịch trong khoảng ngày, theo thời gian."""

    serializer_class = CalendarEntrySerializer
    pagination_class = CalendarEntryPagination

    def get_queryset(self):
        if self.action != "list":
            return queries.entries(self.request.user).prefetch_related("links")
        params = self.request.query_params
        calendar = _calendar(self.request.user, params.get("calendar"))
        first = _date(params, "from") or queries.monday_of(timezone.localdate())
        last = _date(params, "to") or first + dt.timedelta(days=6)
        if last < first or (last - first).days > MAX_DAYS:
            raise ValidationError({"to": f"Khoảng ngày từ 1 đến {MAX_DAYS} ngày, đến ngày không trước từ ngày."})
        return queries.between(calendar, first, last, self.request.user).prefetch_related("links")

    @extend_schema(
        request=CalendarEntryWriteSerializer,
        responses={201: CalendarEntrySerializer(many=True), 409: CalendarClashSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Đăng ký lịch (mỗi buổi của lịch lặp lại là một lịch), chờ duyệt."""
        data = valid_input(CalendarEntryWriteSerializer, request)
        calendar = _calendar(request.user, data.pop("calendar"))
        try:
            booked = services.book(request.user, calendar, **_arguments(data))
        except services.PersonClash as exc:
            return _clash(exc)
        rows = queries.entries(request.user).filter(pk__in=[e.pk for e in booked]).order_by("starts_at", "pk")
        return Response(CalendarEntrySerializer(rows, many=True, context={"request": request}).data, status=201)

    @extend_schema(
        request=CalendarEntryEditSerializer, responses={200: CalendarEntrySerializer, 409: CalendarClashSerializer}
    )
    def update(self, request, *args, **kwargs):
        """Sửa một lịch (một buổi): lịch chờ duyệt lại."""
        entry = self.get_object()
        ENTRY.authorize(entry, "edit", request.user)
        data = valid_input(CalendarEntryEditSerializer, request)
        try:
            services.edit(request.user, entry, **_arguments(data))
        except services.PersonClash as exc:
            return _clash(exc)
        return Response(
            CalendarEntrySerializer(self.get_queryset().get(pk=entry.pk), context={"request": request}).data
        )

    @extend_schema(
        request=CalendarStepSerializer,
        responses={200: CalendarEntrySerializer},
        parameters=[OpenApiParameter("step", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(STEPS))],
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)")
    def step(self, request, pk=None, step=None):
        """Duyệt, từ chối (cần lý do) hoặc hủy (cần lý do) lịch; ``whole_series``: cả các buổi sau của chuỗi."""
        entry = self.get_object()
        if step not in STEPS:
            raise NotFound("Bước xử lý không tồn tại.")
        ENTRY.authorize(entry, step, request.user)
        data = valid_input(CalendarStepSerializer, request)
        STEPS[step](request.user, entry, data)
        return Response(
            CalendarEntrySerializer(self.get_queryset().get(pk=entry.pk), context={"request": request}).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("calendar", OpenApiTypes.STR, description="Lịch (mặc định co-quan)."),
            OpenApiParameter("week", OpenApiTypes.STR, description="Một ngày của tuần (dd/mm/yyyy)."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def week(self, request):
        """Lịch tuần như bản in: bảy ngày, mỗi ngày buổi sáng và buổi chiều."""
        calendar = _calendar(request.user, request.query_params.get("calendar"))
        monday = queries.monday_of(_date(request.query_params, "week") or timezone.localdate())
        days = queries.week_entries(calendar, monday, request.user)
        return Response(
            {
                "calendar": calendar.key,
                "name": calendar.name,
                "monday": monday,
                "days": [
                    {
                        "day": d.day,
                        "name": d.name,
                        "halves": [
                            {
                                "label": h.label,
                                "entries": [
                                    {
                                        "id": e.pk,
                                        "start": f"{timezone.localtime(e.starts_at):%H:%M}",
                                        "end": f"{timezone.localtime(e.ends_at):%H:%M}",
                                        "title": e.title,
                                        "where": e.where,
                                        "chair": e.chair.full_name,
                                        "attending": e.attending,
                                        "preparing": e.preparing,
                                        "concluding": e.concluding,
                                        "status": e.status,
                                    }
                                    for e in h.entries
                                ],
                            }
                            for h in d.halves
                        ],
                    }
                    for d in days
                ],
            }
        )

    @extend_schema(responses={200: CalendarEntrySerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def waiting(self, request):
        """Lịch chờ duyệt: những lịch chờ người gọi duyệt, sớm nhất trước (tối đa 200)."""
        ids = queries.waiting(request.user).order_by("starts_at", "pk").values_list("pk", flat=True)[:200]
        rows = queries.entries(request.user).filter(pk__in=list(ids)).order_by("starts_at", "pk")
        return Response(CalendarEntrySerializer(rows, many=True, context={"request": request}).data)


class CalendarRoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "agency", "name", "location", "capacity", "equipment", "is_active"]
        read_only_fields = ["id", "agency"]
        extra_kwargs = {"name": {"validators": []}}


@extend_schema_view(create=extend_schema(request=CalendarRoomSerializer, responses={201: CalendarRoomSerializer}))
class RoomViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Phòng họp của cơ quan; quản trị hệ thống và văn phòng thêm, sửa."""

    serializer_class = CalendarRoomSerializer
    pagination_class = None

    def get_queryset(self):
        return queries.rooms(self.request.user)

    def create(self, request, *args, **kwargs):
        data = valid_input(CalendarRoomSerializer, request)
        data.pop("is_active", None)
        room = services.create_room(request.user, **data)
        return Response(CalendarRoomSerializer(room).data, status=201)

    @extend_schema(request=CalendarRoomSerializer, responses={200: CalendarRoomSerializer})
    def update(self, request, *args, **kwargs):
        room = self.get_object()
        if not manageable(Room, request.user).filter(pk=room.pk).exists():
            raise PermissionDenied("Chỉ quản trị hệ thống hoặc văn phòng quản lý phòng họp.")
        data = valid_input(CalendarRoomSerializer, request)
        room = services.update_room(request.user, room, **data)
        return Response(CalendarRoomSerializer(room).data)


class CalendarGrantSerializer(serializers.ModelSerializer):
    grantee_name = serializers.CharField(source="grantee.full_name", read_only=True)
    calendar = serializers.SerializerMethodField()
    calendar_name = serializers.SerializerMethodField()

    class Meta:
        model = CalendarGrant
        fields = [
            "id",
            "agency",
            "grantee",
            "grantee_name",
            "calendar",
            "calendar_name",
            "granted_by",
            "granted_at",
            "revoked_at",
            "revoked_by",
        ]
        read_only_fields = fields

    def get_calendar(self, obj) -> str:
        return services.grant_calendar(obj).key

    def get_calendar_name(self, obj) -> str:
        return services.grant_calendar(obj).name


class CalendarGrantWriteSerializer(serializers.Serializer):
    grantee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    calendar = serializers.CharField(
        max_length=40, help_text="co-quan (mọi lịch của cơ quan), don-vi-<mã>, lanh-dao-<mã>."
    )


@extend_schema_view(
    create=extend_schema(request=CalendarGrantWriteSerializer, responses={201: CalendarGrantSerializer})
)
class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quyền quản lý lịch (duyệt, từ chối, hủy lịch): do quản trị hệ thống hoặc lãnh đạo cơ quan giao, thu hồi."""

    serializer_class = CalendarGrantSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            visible(CalendarGrant, self.request.user)
            .select_related("agency", "grantee", "calendar_unit", "calendar_leader")
            .order_by("-id")
        )

    def create(self, request, *args, **kwargs):
        data = valid_input(CalendarGrantWriteSerializer, request)
        if not rights.may_grant(scope_of(request.user)):
            raise PermissionDenied("Chỉ quản trị hệ thống hoặc lãnh đạo cơ quan giao quyền quản lý lịch.")
        item = services.grant(request.user, data["grantee"], _calendar(request.user, data["calendar"]))
        return Response(CalendarGrantSerializer(self.get_queryset().get(pk=item.pk)).data, status=201)

    @extend_schema(request=None, responses={200: CalendarGrantSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Thu hồi quyền quản lý lịch."""
        item = services.revoke(request.user, self.get_object())
        return Response(CalendarGrantSerializer(self.get_queryset().get(pk=item.pk)).data)
