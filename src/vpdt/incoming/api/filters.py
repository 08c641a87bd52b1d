"""The querysets the incoming API reads: the document list's filters, a document's detail, the inbox boxes."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from vpdt.catalog.models import Urgency
from vpdt.core.authz import visible
from vpdt.core.dates import DateInputError, day_bounds, parse_date
from vpdt.core.params import int_param
from vpdt.signing.models import Verification

from .. import queries
from ..models import Assignment, Attachment, DocStatus, ProcessingNote

BOXES = queries.BOXES
DEFAULT_BOX = BOXES[0]


def filter_documents(qs, params):
    errors = {}
    register = (params.get("register") or "").strip()
    if register:
        if int_param(register) is None:
            errors["register"] = ["Sổ đăng ký không hợp lệ."]
        else:
            qs = qs.filter(register_id=int_param(register))
    year = (params.get("year") or "").strip()
    if year:
        if int_param(year) is None or int_param(year) > 9999:
            errors["year"] = [f"Năm “{year}” không hợp lệ."]
        else:
            qs = qs.filter(year=int_param(year))
    doc_status = (params.get("status") or "").strip()
    if doc_status:
        if doc_status not in DocStatus.values:
            errors["status"] = [f"Trạng thái “{doc_status}” không hợp lệ."]
        else:
            qs = qs.filter(status=doc_status)
    urgency = (params.get("urgency") or "").strip()
    if urgency:
        if int_param(urgency) not in Urgency.values:
            errors["urgency"] = [f"Độ khẩn “{urgency}” không hợp lệ."]
        else:
            qs = qs.filter(urgency=int_param(urgency))
    q = (params.get("q") or "").strip()[:200]
    if q:
        cond = (
            Q(subject__icontains=q)
            | Q(issuer_name__icontains=q)
            | Q(issuer_code__icontains=q)
            | Q(code_number__icontains=q)
            | Q(code_notation__icontains=q)
        )
        number, slash, notation = q.partition("/")
        if slash and number.strip() and notation.strip():
            cond |= Q(code_number__iexact=number.strip(), code_notation__icontains=notation.strip())
        qs = qs.filter(cond)
    for key, lookup, end in (("date_from", "arrival_date__gte", False), ("date_to", "arrival_date__lte", True)):
        try:
            day = parse_date(params.get(key))
        except DateInputError as err:
            errors[key] = [str(err)]
            continue
        if day is not None:
            qs = qs.filter(**{lookup: day_bounds(day)[1 if end else 0]})
    if errors:
        raise ValidationError(errors)
    return qs


def with_details(qs, user):
    return qs.select_related("doc_type", "leader", "directed_by").prefetch_related(
        Prefetch("attachments", queryset=visible(Attachment, user).select_related("file")),
        Prefetch(
            "attachments__file__verifications",
            queryset=Verification.objects.order_by("-id"),
            to_attr="newest_verifications",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("document", "unit", "user", "assigned_by")
            .prefetch_related(Prefetch("notes", queryset=ProcessingNote.objects.select_related("author")))
            .order_by("id"),
        ),
        "replies",
    )


DOCUMENT_FILTERS = [
    OpenApiParameter("register", int, required=False, description="Sổ đăng ký"),
    OpenApiParameter("year", int, required=False, description="Năm"),
    OpenApiParameter("status", str, required=False, enum=DocStatus.values, description="Trạng thái"),
    OpenApiParameter("urgency", int, required=False, enum=Urgency.values, description="Độ khẩn"),
    OpenApiParameter("q", str, required=False, description="Tìm theo trích yếu, số ký hiệu, cơ quan ban hành"),
    OpenApiParameter("date_from", str, required=False, description="Ngày đến từ (dd/mm/yyyy)"),
    OpenApiParameter("date_to", str, required=False, description="Ngày đến đến hết (dd/mm/yyyy)"),
]
