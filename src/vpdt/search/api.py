"""Search API: ``GET /api/v1/search/`` (same criteria as the screen; dates YYYY-MM-DD or dd/mm/yyyy) and the
caller's saved searches (``/api/v1/saved-searches/``: list, create, read, delete).

Results are what the caller may open (the lists' authorization predicate); no totals are counted: ``has_more``
says whether another ``page`` follows. Snippets are HTML (escaped text, matches in ``<mark>``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from vpdt.core.authz import visible

from . import services
from .forms import SearchForm
from .models import USER_KINDS, SavedSearch


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="incoming | outgoing | dossier")
    kind_display = serializers.CharField()
    id = serializers.IntegerField(source="entry.object_id")
    number = serializers.CharField(source="entry.number")
    title = serializers.CharField(source="entry.title")
    issuer = serializers.CharField(source="entry.issuer")
    date = serializers.DateField(source="entry.doc_date")
    urgency = serializers.IntegerField(source="entry.urgency", allow_null=True)
    status = serializers.CharField(source="entry.status")
    status_display = serializers.CharField(source="entry.status_label")
    doc_type = serializers.IntegerField(source="entry.doc_type_id", allow_null=True)
    snippet = serializers.CharField(help_text="HTML: đoạn trích, từ khớp trong <mark>.")
    url = serializers.CharField()


RESULTS = inline_serializer(
    "SearchResults",
    fields={
        "page": serializers.IntegerField(),
        "has_more": serializers.BooleanField(help_text="Còn trang sau (không đếm tổng số)."),
        "newest_only": serializers.IntegerField(
            help_text="Khác 0 khi từ khóa có trong rất nhiều văn bản của một cơ quan: chỉ ngần ấy văn bản mới nhất "
            "có từ khóa của cơ quan đó được xếp hạng. Thêm từ khóa hoặc bộ lọc để thu hẹp."
        ),
        "results": HitSerializer(many=True),
    },
)

PARAMS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description='Từ khóa; "cụm từ" trong ngoặc kép; số, ký hiệu '
        "(171/QĐ-BDT, 171 QĐ BDT…). Không dấu vẫn tìm được có dấu.",
    ),
    OpenApiParameter("exact", OpenApiTypes.BOOL, description="Tìm chính xác, phân biệt dấu."),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, many=True, enum=[k for k, _ in USER_KINDS], description="Loại đối tượng."
    ),
    OpenApiParameter("doc_type", OpenApiTypes.INT, description="Mã loại văn bản."),
    OpenApiParameter("issuer", OpenApiTypes.STR, description="Tên hoặc mã định danh cơ quan ban hành."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Đến ngày (YYYY-MM-DD hoặc dd/mm/yyyy)."),
    OpenApiParameter("urgency", OpenApiTypes.INT, description="Độ khẩn (0–4)."),
    OpenApiParameter("status", OpenApiTypes.STR, description="Trạng thái."),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Đơn vị (của cơ quan người gọi)."),
    OpenApiParameter("handler", OpenApiTypes.INT, description="Người xử lý."),
    OpenApiParameter("page", OpenApiTypes.INT, description=f"Trang (1–{services.MAX_PAGE})."),
]


def _run(request, params) -> Response:
    form = SearchForm(request.user, params)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    criteria = form.criteria()
    if not (criteria.q.strip() or criteria.has_filters):
        raise ValidationError({"q": ["Nhập từ khóa hoặc chọn ít nhất một điều kiện lọc."]})
    results = services.search(request.user, criteria)
    return Response(
        {
            "page": results.page,
            "has_more": results.has_more,
            "newest_only": results.newest_only,
            "results": HitSerializer(results.hits, many=True).data,
        }
    )


class SearchViewSet(viewsets.ViewSet):
    """Tìm kiếm văn bản đến, văn bản đi và hồ sơ công việc."""

    serializer_class = HitSerializer

    @extend_schema(parameters=PARAMS, responses={200: RESULTS}, summary="Tìm kiếm")
    def list(self, request):
        return _run(request, request.query_params)


class SavedSearchSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        max_length=100,
        error_messages={
            "required": "Tên là bắt buộc.",
            "blank": "Tên là bắt buộc.",
            "max_length": "Tên tối đa 100 ký tự.",
        },
    )
    query = serializers.CharField(
        max_length=2000,
        help_text="Chuỗi truy vấn, ví dụ q=quyết+định&kind=incoming.",
        error_messages={
            "required": "Điều kiện tìm kiếm là bắt buộc.",
            "blank": "Điều kiện tìm kiếm là bắt buộc.",
            "max_length": "Điều kiện tìm kiếm quá dài.",
        },
    )

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "created_at"]
        read_only_fields = ["id", "created_at"]


class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Tìm kiếm đã lưu của người gọi."""

    serializer_class = SavedSearchSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return visible(SavedSearch, self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = services.save_search(request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: RESULTS},
        summary="Chạy tìm kiếm đã lưu",
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description="Trang.")],
    )
    @action(detail=True, methods=["get"])
    def run(self, request, pk=None):
        saved = self.get_object()
        params = QueryDict(saved.query, mutable=True)
        if request.query_params.get("page"):
            params["page"] = request.query_params["page"]
        return _run(request, params)

    def perform_destroy(self, instance):
        services.delete_search(self.request.user, instance)
