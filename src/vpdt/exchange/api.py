"""The exchange in the API (``/api/v1/``): the clerk's queues of electronic documents — arrived for the caller's
agency (receive, refuse) and recalls to answer (confirm, refuse), every route in one list each — and the agency's
messages in and out (with resend for what could not be sent). The systems that use this deployment as their hub
call the hub API instead (:mod:`vpdt.exchange.hub_views`)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from vpdt.core.authz import permitted, visible
from vpdt.core.params import int_param
from vpdt.incoming import services as incoming_services
from vpdt.outgoing.api.fields import Text, validated
from vpdt.outgoing.api.inputs import OutgoingReasonSerializer, OutgoingReceiveSerializer
from vpdt.outgoing.api.serializers import OutgoingDuplicateSerializer, OutgoingReceivedSerializer
from vpdt.outgoing.models import DeliveryStatus

from . import arrivals, internal, outbox, queries, recalls
from .lifecycle import delivery_actions
from .models import Direction, Message, MessageState
from .queries import RECALLS, WAITING

PAGE_SIZE, MAX_PAGE_SIZE = 20, 200
BOXES = {"waiting": WAITING, "recalls": RECALLS}
EXTERNAL_ACTIONS = {WAITING: ["receive", "refuse"], RECALLS: ["confirm_recall", "refuse_recall"]}


class ArrivalFileSerializer(serializers.Serializer):
    name = Text()
    size = serializers.IntegerField()


class ArrivalSerializer(serializers.Serializer):
    """A document of the clerk's queues, whatever its route."""

    key = Text(help_text="Khóa dùng trong đường dẫn: internal-<id> hoặc external-<id>.")
    kind = Text(help_text="internal: từ cơ quan trong hệ thống; external: từ hệ thống khác qua liên thông.")
    id = serializers.IntegerField(help_text="Mã dòng gửi nhận (internal) hoặc mã gói tin (external).")
    box = Text(help_text="waiting: chờ tiếp nhận; recalls: thu hồi chờ trả lời.")
    status = Text(help_text="01 đã đến, chờ tiếp nhận | 13 đang thu hồi, chờ xác nhận")
    at = serializers.DateTimeField(help_text="Lúc văn bản đến (hoặc lúc nhận yêu cầu thu hồi).")
    sender_name = Text(allow_blank=True)
    sender_code = Text(allow_blank=True, help_text="Mã định danh cơ quan gửi.")
    number_symbol = Text(allow_blank=True)
    issued_date = serializers.DateField(allow_null=True)
    subject = Text(allow_blank=True)
    doc_type_name = Text(allow_blank=True)
    urgency = serializers.IntegerField()
    files = ArrivalFileSerializer(many=True)
    package_signature = Text(allow_blank=True, help_text="Kết quả kiểm tra chữ ký XML của gói tin (external).")
    reason = Text(allow_blank=True, help_text="Lý do thu hồi (recalls).")
    incoming = serializers.IntegerField(allow_null=True, help_text="Văn bản đến đã vào sổ (recalls).")
    actions = serializers.ListField(child=Text(), help_text="receive, refuse, confirm_recall, refuse_recall")


def _item(user, box: str, entry: queries.Entry) -> dict:
    obj = entry.obj
    common = {
        "key": entry.key,
        "kind": entry.kind,
        "id": obj.pk,
        "box": next(name for name, queue in BOXES.items() if queue == box),
        "status": DeliveryStatus.ARRIVED if box == WAITING else DeliveryStatus.RECALL_REQUESTED,
        "at": entry.at,
        "reason": obj.reason if box == RECALLS else "",
        "incoming": obj.incoming_id if box == RECALLS else None,
    }
    if entry.internal:
        doc = obj.document
        return common | {
            "sender_name": doc.agency.name,
            "sender_code": doc.agency.code,
            "number_symbol": doc.number_symbol,
            "issued_date": doc.issued_date,
            "subject": doc.subject,
            "doc_type_name": doc.doc_type.name,
            "urgency": doc.urgency,
            "files": [],
            "package_signature": "",
            "actions": sorted(delivery_actions(user, obj)),
        }
    return common | {
        "sender_name": obj.sender_name,
        "sender_code": obj.from_organ,
        "number_symbol": obj.code,
        "issued_date": obj.promulgation_date,
        "subject": obj.subject,
        "doc_type_name": "",
        "urgency": obj.urgency,
        "files": [{"name": f.get("name", ""), "size": f.get("size", 0)} for f in obj.files or []],
        "package_signature": obj.signature_summary,
        "actions": EXTERNAL_ACTIONS[box],
    }


class ArrivalAnsweredSerializer(serializers.Serializer):
    key = Text()
    kind = Text()
    id = serializers.IntegerField()
    status = Text(help_text="Trạng thái báo về cơ quan gửi: 02 từ chối tiếp nhận | 15 đã thu hồi | 16 từ chối thu hồi")


def _answered(entry: queries.Entry, status_code: str) -> Response:
    return Response({"key": entry.key, "kind": entry.kind, "id": entry.pk, "status": status_code})


ArrivalPageSerializer = inline_serializer(
    "ArrivalPage",
    {"next": serializers.URLField(allow_null=True), "results": ArrivalSerializer(many=True)},
)


class ExchangeArrivalViewSet(viewsets.ViewSet):
    """Văn bản điện tử của văn thư cơ quan, mọi đường gửi trong một danh sách: chờ tiếp nhận (box=waiting) và yêu
    cầu thu hồi chờ trả lời (box=recalls), mới nhất trước. Chỉ thấy văn bản gửi đến cơ quan của mình."""

    lookup_field = "key"
    lookup_value_regex = r"[a-z]+-[0-9]{1,18}"
    serializer_class = ArrivalSerializer

    def _find(self) -> queries.Entry:
        """The row an action names: one the caller sees (else 404); the service decides the rest."""
        kind, _, pk = self.kwargs["key"].partition("-")
        entry = queries.lookup(self.request.user, kind, int(pk))
        if entry is None:
            raise NotFound("Không có văn bản này trong danh sách của bạn.")
        return entry

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, required=False, enum=sorted(BOXES), description="Mặc định: waiting."),
            OpenApiParameter("cursor", str, required=False, description="Con trỏ trang (lấy từ trường next)."),
            OpenApiParameter("page_size", int, required=False, description="Số bản ghi mỗi trang (tối đa 200)."),
        ],
        responses={200: ArrivalPageSerializer},
    )
    def list(self, request):
        name = (request.query_params.get("box") or "waiting").strip()
        if name not in BOXES:
            raise ValidationError({"box": [f"Hộp “{name[:40]}” không hợp lệ (waiting hoặc recalls)."]})
        box = BOXES[name]
        size = min(int_param(request.query_params.get("page_size")) or PAGE_SIZE, MAX_PAGE_SIZE)
        try:
            page = queries.page(request.user, box, request.query_params.get("cursor"), size)
        except queries.BadCursor:
            raise NotFound("Con trỏ trang không hợp lệ.") from None
        url = request.build_absolute_uri()
        return Response(
            {
                "next": replace_query_param(url, "cursor", page.next_cursor) if page.next_cursor else None,
                "results": ArrivalSerializer([_item(request.user, box, e) for e in page.items], many=True).data,
            }
        )

    @extend_schema(responses={200: ArrivalSerializer})
    def retrieve(self, request, key=None):
        for box in (WAITING, RECALLS):
            kind, _, pk = key.partition("-")
            entry = queries.find(request.user, box, kind, int(pk))
            if entry is not None:
                return Response(ArrivalSerializer(_item(request.user, box, entry)).data)
        raise NotFound("Không có văn bản này trong danh sách của bạn.")

    @extend_schema(
        request=OutgoingReceiveSerializer,
        responses={201: OutgoingReceivedSerializer, 409: OutgoingDuplicateSerializer},
        description="Tiếp nhận: vào sổ văn bản đến với thông tin và tệp lấy từ văn bản gửi đến (cơ quan trong hệ "
        "thống) hoặc từ gói tin (hệ thống khác); trạng thái 03 được báo về cơ quan gửi. Có thể trùng: 409; gửi "
        "lại với confirm_duplicate=true.",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, key=None):
        entry = self._find()
        data = validated(OutgoingReceiveSerializer, request)
        try:
            registered = (internal.receive if entry.internal else arrivals.register)(request.user, entry.obj, **data)
        except incoming_services.DuplicateWarning as exc:
            existing = exc.existing
            return Response(
                {
                    "detail": exc.messages[0],
                    "existing": {"id": existing.pk, "arrival_number": existing.arrival_number, "year": existing.year},
                },
                status=status.HTTP_409_CONFLICT,
            )
        document = registered.document
        return Response(
            {
                "incoming": document.pk,
                "arrival_number": document.arrival_number,
                "year": document.year,
                "submitted": bool(getattr(registered, "submitted", False)),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: ArrivalAnsweredSerializer},
        description="Từ chối tiếp nhận, kèm lý do; trạng thái 02 và lý do được báo về cơ quan gửi.",
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, key=None):
        entry = self._find()
        data = validated(OutgoingReasonSerializer, request)
        (internal.refuse if entry.internal else arrivals.refuse)(request.user, entry.obj, data.get("reason", ""))
        return _answered(entry, DeliveryStatus.REFUSED)

    @extend_schema(
        request=None,
        responses={200: ArrivalAnsweredSerializer},
        description="Đồng ý thu hồi: văn bản đến tương ứng được rút khỏi xử lý; trạng thái 15 được báo về.",
    )
    @action(detail=True, methods=["post"], url_path="confirm-recall", url_name="confirm-recall")
    def confirm_recall(self, request, key=None):
        entry = self._find()
        (internal.confirm_recall if entry.internal else recalls.confirm)(request.user, entry.obj)
        return _answered(entry, DeliveryStatus.RECALLED)

    @extend_schema(
        request=OutgoingReasonSerializer,
        responses={200: ArrivalAnsweredSerializer},
        description="Không đồng ý thu hồi, kèm lý do: văn bản đến được giữ; trạng thái 16 và lý do được báo về.",
    )
    @action(detail=True, methods=["post"], url_path="refuse-recall", url_name="refuse-recall")
    def refuse_recall(self, request, key=None):
        entry = self._find()
        data = validated(OutgoingReasonSerializer, request)
        reason = data.get("reason", "")
        (internal.refuse_recall if entry.internal else recalls.refuse)(request.user, entry.obj, reason)
        return _answered(entry, DeliveryStatus.RECALL_REFUSED)


class ExchangeMessageSerializer(serializers.ModelSerializer):
    files = serializers.JSONField(read_only=True, help_text="Tệp đính kèm: name, size, sha256, content_type.")

    class Meta:
        model = Message
        fields = [
            "id",
            "direction",
            "kind",
            "state",
            "document_id",
            "business_type",
            "status_code",
            "from_organ",
            "to_organ",
            "agency",
            "subject",
            "code",
            "sender_name",
            "promulgation_date",
            "urgency",
            "files",
            "signature_verdict",
            "signature_summary",
            "attempts",
            "next_attempt_at",
            "last_error",
            "reason",
            "incoming_id",
            "outgoing_id",
            "created_at",
            "done_at",
        ]
        read_only_fields = fields


DIRECTIONS = {choice for choice, _label in Direction.choices}
STATES = {choice for choice, _label in MessageState.choices}


@extend_schema(
    parameters=[
        OpenApiParameter("direction", str, required=False, enum=sorted(DIRECTIONS)),
        OpenApiParameter("state", str, required=False, enum=sorted(STATES)),
    ]
)
class ExchangeMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Gói tin liên thông của cơ quan (gửi đi, nhận về), với trạng thái gửi và lỗi; gửi lại gói tin gửi lỗi."""

    serializer_class = ExchangeMessageSerializer
    ordering = ("-id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        qs = visible(Message, self.request.user)
        params = self.request.query_params
        for name, allowed in (("direction", DIRECTIONS), ("state", STATES)):
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                raise ValidationError({name: [f"Giá trị “{value[:40]}” không hợp lệ."]})
            if value:
                qs = qs.filter(**{name: value})
        return qs

    @extend_schema(request=None, responses={200: ExchangeMessageSerializer}, description="Gửi lại gói tin gửi lỗi.")
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        message = self.get_object()
        allowed = permitted(Message, request.user, "resend").filter(pk=message.pk).exists()
        if not allowed:
            raise PermissionDenied("Chỉ văn thư của cơ quan gửi được gửi lại gói tin gửi lỗi.")
        resent = outbox.resend(request.user, message)
        return Response(ExchangeMessageSerializer(resent, context=self.get_serializer_context()).data)
