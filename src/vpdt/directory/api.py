"""Directory API: agencies, units and positions, filtered by the same authorization predicates."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.validators import UniqueTogetherValidator

from vpdt.core.authz import manageable, visible
from vpdt.core.dates import ApiDateField
from vpdt.core.params import int_param

from . import services
from .models import Agency, Position, Unit


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    parent_id = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), write_only=True, required=False, allow_null=True, source="parent_agency"
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "code",
            "level",
            "address",
            "phone",
            "fax",
            "email",
            "website",
            "exchange_only_with_parent",
            "is_active",
            "depth",
            "parent",
            "parent_id",
        ]
        read_only_fields = ["depth"]

    def get_parent(self, obj) -> int | None:
        if obj.depth <= 1:
            return None
        parents = self.context.get("parents")
        if parents is not None:
            return parents.get(obj.path[: -Agency.steplen])
        parent = Agency.objects.get_parent(obj)
        return parent.pk if parent else None


class AgencyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The deployment's agency tree (address book). Creating and editing follow admin scope."""

    serializer_class = AgencySerializer
    ordering = ("path",)

    def get_queryset(self):
        qs = visible(Agency, self.request.user)
        params = self.request.query_params
        if params.get("q"):
            q = params["q"].strip()
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__iexact=q))
        if int_param(params.get("level")) is not None:
            qs = qs.filter(level=int_param(params["level"]))
        if params.get("code"):
            qs = qs.filter(code=params["code"].strip())
        return qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            context["parents"] = None
        return context

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        parent_paths = {a.path[: -Agency.steplen] for a in page if a.depth > 1}
        parents = dict(Agency.objects.filter(path__in=parent_paths).values_list("path", "id"))
        serializer = AgencySerializer(page, many=True, context={**self.get_serializer_context(), "parents": parents})
        return self.get_paginated_response(serializer.data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent = data.pop("parent_agency", None)
        agency = services.create_agency(request.user, parent, **data)
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        agency = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(agency, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("parent_agency", None)
        agency = services.update_agency(request.user, agency, **data)
        return Response(AgencySerializer(agency).data)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "agency", "parent", "name", "short_name", "email", "phone", "is_active"]
        validators = [
            UniqueTogetherValidator(
                queryset=Unit.objects.all(),
                fields=["agency", "short_name"],
                message="Tên viết tắt này đã được dùng cho một đơn vị khác của cùng cơ quan.",
            )
        ]


class UnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UnitSerializer
    ordering = ("id",)

    def get_queryset(self):
        qs = visible(Unit, self.request.user)
        agency = int_param(self.request.query_params.get("agency"))
        if agency is not None:
            qs = qs.filter(agency_id=agency)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("agency")
        unit = services.create_unit(request.user, agency, **data)
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        unit = self.get_object()
        serializer = self.get_serializer(unit, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("agency", None)
        return Response(UnitSerializer(services.update_unit(request.user, unit, **data)).data)


class PositionSerializer(serializers.ModelSerializer):
    started_on = ApiDateField(required=False, allow_null=True)

    class Meta:
        model = Position
        fields = ["id", "user", "agency", "unit", "title", "role", "is_primary", "is_active", "started_on", "ended_on"]
        read_only_fields = ["is_active", "ended_on"]


class PositionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PositionSerializer
    ordering = ("id",)

    def get_queryset(self):
        qs = visible(Position, self.request.user)
        user = int_param(self.request.query_params.get("user"))
        if user is not None:
            qs = qs.filter(user_id=user)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("user")
        if not manageable(get_user_model(), request.user).filter(pk=person.pk).exists():
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Bạn không quản trị tài khoản này.")
        position = services.assign_position(
            request.user,
            person,
            agency=data["agency"],
            unit=data.get("unit"),
            title=data["title"],
            role=data["role"],
            is_primary=data.get("is_primary", True),
            started_on=data.get("started_on"),
        )
        return Response(PositionSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PositionSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        position = self.get_object()
        return Response(PositionSerializer(services.end_position(request.user, position)).data)
