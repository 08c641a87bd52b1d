"""Work dossiers API: dossiers (open, edit, close, reopen, archive, export) and their items (file, withdraw).

Viewsets translate HTTP to :mod:`vpdt.dossiers.services`; what a caller sees is :func:`vpdt.core.authz.visible`,
what they may do with a dossier is its ``actions`` (:func:`vpdt.dossiers.lifecycle.available_actions`).
Status fields are plain values with a ``*_display`` label (see the note in :mod:`vpdt.incoming.api`).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.api import valid_input as _valid
from vpdt.core.authz import visible
from vpdt.core.params import int_param
from vpdt.core.serializers import Label
from vpdt.directory.models import Unit
from vpdt.incoming.models import IncomingDocument

from . import exports, services
from .lifecycle import available_actions
from .models import Dossier, DossierItem, DossierStatus, Maintenance, Rights


class DossierSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="file_list.year", read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = Label(source="get_status_display")
    maintenance = serializers.CharField(read_only=True)
    maintenance_display = Label(source="get_maintenance_display")
    rights = serializers.CharField(read_only=True)
    rights_display = Label(source="get_rights_display")
    creator = serializers.CharField(read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "agency",
            "year",
            "ordinal",
            "file_code",
            "title",
            "maintenance",
            "maintenance_display",
            "rights",
            "rights_display",
            "unit",
            "owner",
            "creator",
            "language",
            "start_date",
            "end_date",
            "doc_total",
            "page_total",
            "description",
            "status",
            "status_display",
            "closed_at",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    actions = serializers.SerializerMethodField(
        help_text="Việc người gọi được làm với hồ sơ lúc này: edit (sửa), close (kết thúc), reopen (mở lại), "
        "archive (nhận nộp lưu), remove_item (rút văn bản khỏi hồ sơ)."
    )

    class Meta(DossierSerializer.Meta):
        fields = DossierSerializer.Meta.fields + ["actions"]
        read_only_fields = fields

    def get_actions(self, dossier) -> list[str]:
        return sorted(available_actions(self.context["request"].user, dossier))


class DossierWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, help_text="Tiêu đề hồ sơ (bắt buộc khi lập mới).")
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Năm của danh mục hồ sơ (mặc định: năm nay). Chỉ khi lập mới.",
    )
    file_code = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="Để trống khi lập mới để hệ thống tự đặt (ví dụ 01.VP).",
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": "Đơn vị không tồn tại."},
    )
    maintenance = serializers.ChoiceField(choices=Maintenance.choices, required=False)
    rights = serializers.ChoiceField(choices=Rights.choices, required=False)
    language = serializers.CharField(max_length=50, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DossierItemSerializer(serializers.ModelSerializer):
    number_symbol = serializers.CharField(source="incoming.number_symbol", read_only=True)
    subject = serializers.CharField(source="incoming.subject", read_only=True)
    issuer_name = serializers.CharField(source="incoming.issuer_name", read_only=True)

    class Meta:
        model = DossierItem
        fields = [
            "id",
            "dossier",
            "incoming",
            "number_symbol",
            "subject",
            "issuer_name",
            "doc_date",
            "page_amount",
            "filed_by",
            "filed_at",
            "removed_at",
            "removed_by",
            "removal_reason",
        ]
        read_only_fields = fields


class FileRequestSerializer(serializers.Serializer):
    incoming = serializers.IntegerField(help_text="Văn bản đến đã hoàn thành.")
    dossiers = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=50, help_text="Các hồ sơ đang lập sẽ nhận văn bản."
    )


class RemovalRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Lý do rút (bắt buộc, ghi nhật ký).")


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Hồ sơ công việc the caller may see. Filters: ``year``, ``status`` (open, closed, archived),
    ``archive_due=1`` (closed dossiers whose deposit deadline is within 30 days or past)."""

    serializer_class = DossierSerializer
    ordering = ("-id",)

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dossier.objects.none()
        qs = visible(Dossier, self.request.user).select_related("file_list", "unit", "owner")
        if self.action != "list":
            return qs
        params = self.request.query_params
        errors = {}
        if params.get("year"):
            year = int_param(params["year"])
            if year is None:
                errors["year"] = ["Năm không hợp lệ."]
            else:
                qs = qs.filter(file_list__year=year)
        if params.get("status"):
            if params["status"] not in DossierStatus.values:
                errors["status"] = ["Trạng thái không hợp lệ (open, closed, archived)."]
            else:
                qs = qs.filter(status=params["status"])
        if params.get("archive_due") in ("1", "true"):
            qs = qs.filter(services.archive_due_filter())
        if errors:
            raise ValidationError(errors)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Năm của danh mục hồ sơ."),
            OpenApiParameter("status", str, description="open | closed | archived"),
            OpenApiParameter("archive_due", bool, description="Chỉ hồ sơ sắp đến hạn hoặc quá hạn nộp lưu."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _out(self, dossier, code=status.HTTP_200_OK):
        dossier = visible(Dossier, self.request.user).select_related("file_list", "unit", "owner").get(pk=dossier.pk)
        return Response(DossierDetailSerializer(dossier, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=DossierWriteSerializer,
        responses={201: DossierDetailSerializer},
        description="Lập hồ sơ trong danh mục hồ sơ của cơ quan người gọi.",
    )
    def create(self, request, *args, **kwargs):
        data = _valid(DossierWriteSerializer, request)
        dossier = services.create_dossier(request.user, **data)
        return self._out(dossier, status.HTTP_201_CREATED)

    @extend_schema(
        request=DossierWriteSerializer,
        responses={200: DossierDetailSerializer},
        description="Sửa hồ sơ đang lập (người lập, lãnh đạo đơn vị, văn thư).",
    )
    def partial_update(self, request, *args, **kwargs):
        dossier = self.get_object()
        data = _valid(DossierWriteSerializer, request, partial=True)
        if "year" in data:
            raise ValidationError({"year": ["Không đổi được năm của hồ sơ đã lập."]})
        dossier = services.update_dossier(request.user, dossier, **data)
        return self._out(dossier)

    def _transition(self, name):
        dossier = services.transition(self.request.user, self.get_object(), name)
        return self._out(dossier)

    @extend_schema(request=None, responses={200: DossierDetailSerializer}, description="Kết thúc hồ sơ.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition("close")

    @extend_schema(request=None, responses={200: DossierDetailSerializer}, description="Mở lại hồ sơ đã kết thúc.")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition("reopen")

    @extend_schema(
        request=None,
        responses={200: DossierDetailSerializer},
        description="Văn thư nhận hồ sơ nộp lưu vào lưu trữ cơ quan.",
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._transition("archive")

    @extend_schema(
        request=None,
        responses={200: DossierItemSerializer(many=True)},
        description="Văn bản trong hồ sơ theo thứ tự thời gian (chỉ những văn bản người gọi được xem).",
    )
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        dossier = self.get_object()
        items = services.items_of(request.user, dossier, include_removed=True)
        return Response(DossierItemSerializer(items, many=True).data)

    @extend_schema(
        request=FileRequestSerializer,
        responses={201: DossierItemSerializer(many=True)},
        description="Đưa một văn bản đến đã hoàn thành vào một hoặc nhiều hồ sơ.",
    )
    @action(detail=False, methods=["post"], url_path="file")
    def file(self, request):
        data = _valid(FileRequestSerializer, request)
        document = visible(IncomingDocument, request.user).filter(pk=data["incoming"]).first()
        if document is None:
            raise ValidationError({"incoming": ["Văn bản không tồn tại hoặc bạn không có quyền xem."]})
        ids = set(data["dossiers"])
        dossiers = list(visible(Dossier, request.user).filter(pk__in=ids))
        if len(dossiers) != len(ids):
            raise ValidationError({"dossiers": ["Có hồ sơ không tồn tại hoặc bạn không có quyền xem."]})
        items = services.file_document(request.user, document, dossiers)
        return Response(DossierItemSerializer(items, many=True).data, status=status.HTTP_201_CREATED)

    def _export(self, fmt):
        dossier = self.get_object()
        items = list(
            services.items_of(self.request.user, dossier, part="content").prefetch_related(
                "incoming__attachments__file"
            )
        )
        if fmt == "pdf":
            data, content_type = exports.dossier_pdf(dossier, items), "application/pdf"
        else:
            data, content_type = exports.manifest_xml(dossier, items), "application/xml"
        services.record_export(self.request.user, dossier, fmt, len(items))
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"ho-so-{dossier.file_list.year}-{dossier.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
        )
        return response

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="Hồ sơ dạng PDF: bìa, mục lục văn bản và văn bản theo thứ tự thời gian.",
    )
    @action(detail=True, methods=["get"], url_path="export-pdf")
    def export_pdf(self, request, pk=None):
        return self._export("pdf")

    @extend_schema(
        responses={(200, "application/xml"): OpenApiTypes.BINARY},
        description="Bản kê XML của hồ sơ (trường ND30, văn bản, SHA-256 của từng tệp).",
    )
    @action(detail=True, methods=["get"], url_path="manifest")
    def manifest(self, request, pk=None):
        return self._export("xml")


class DossierItemViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A document filed in a dossier. Withdrawing it is for the agency's administrators, with a reason."""

    serializer_class = DossierItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DossierItem.objects.none()
        if self.action == "remove":  # an administrator acts on the dossier, whether or not they may read the document
            return DossierItem.objects.filter(dossier__in=visible(Dossier, self.request.user)).select_related(
                "incoming"
            )
        return visible(DossierItem, self.request.user).select_related("incoming")

    @extend_schema(
        request=RemovalRequestSerializer,
        responses={200: DossierItemSerializer},
        description="Rút văn bản khỏi hồ sơ (quản trị cơ quan; lý do được ghi nhật ký).",
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        data = _valid(RemovalRequestSerializer, request)
        item = services.remove_item(request.user, self.get_object(), data["reason"])
        return Response(DossierItemSerializer(item).data)
