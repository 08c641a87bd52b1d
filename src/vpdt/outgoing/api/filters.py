"""The querysets the outgoing API reads: the document list's filters and boxes, and the annotations and prefetches
of a document's detail."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Prefetch, Q, Value, When
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from vpdt.core import authz
from vpdt.core.authz import manageable, scope_of
from vpdt.core.dates import year_param
from vpdt.core.params import int_param
from vpdt.delegation import services as delegation

from ..models import Consultation, OutgoingDocument, OutgoingFile, OutStatus, ReviewStep, StepStatus, Version

BOXES = ("mine", "to_review", "to_issue")


def filter_documents(qs, user, params):
    errors = {}
    box = (params.get("box") or "").strip()
    if box == "mine":
        qs = qs.filter(drafter=user)
    elif box == "to_review":
        # Being the active step's reviewer (or acting for them) is itself a branch of the visibility predicate,
        # so the box starts from the steps instead of intersecting with the whole OR (slow at a million rows).
        reviewers = [user.pk, *delegation.delegator_ids(user, "approval")]
        qs = OutgoingDocument.objects.filter(
            status=OutStatus.IN_REVIEW,
            pk__in=ReviewStep.objects.filter(reviewer_id__in=reviewers, status=StepStatus.ACTIVE).values("document_id"),
        )
    elif box == "to_issue":
        # Documents the caller manages as the issuing clerk are a subset of what they see (approved, own agency).
        qs = manageable(OutgoingDocument, user).filter(status=OutStatus.APPROVED)
    elif box:
        errors["box"] = [f"Hộp văn bản “{box[:40]}” không hợp lệ (mine, to_review hoặc to_issue)."]
    doc_status = (params.get("status") or "").strip()
    if doc_status:
        if doc_status not in OutStatus.values:
            errors["status"] = [f"Trạng thái “{doc_status[:40]}” không hợp lệ."]
        else:
            qs = qs.filter(status=doc_status)
    year = (params.get("year") or "").strip()
    if year:
        if year_param(year) is None:
            errors["year"] = [f"Năm “{year[:40]}” không hợp lệ."]
        else:
            qs = qs.filter(Q(year=year_param(year)) | Q(year__isnull=True, created_at__year=year_param(year)))
    doc_type = (params.get("doc_type") or "").strip()
    if doc_type:
        if int_param(doc_type) is None:
            errors["doc_type"] = ["Loại văn bản không hợp lệ."]
        else:
            qs = qs.filter(doc_type_id=int_param(doc_type))
    q = (params.get("q") or "").strip()[:200]
    if q:
        qs = qs.filter(subject__icontains=q)
    if errors:
        raise ValidationError(errors)
    return qs


def with_details(qs):
    return qs.select_related("doc_type", "drafter", "signer", "current_step__reviewer").prefetch_related(
        "recipients",
        Prefetch(
            "steps",
            queryset=ReviewStep.objects.select_related("reviewer").prefetch_related(
                Prefetch("consultations", queryset=Consultation.objects.select_related("user").order_by("id"))
            ),
        ),
        Prefetch("versions", queryset=Version.objects.select_related("author").defer("text").order_by("number")),
        Prefetch("files", queryset=OutgoingFile.objects.select_related("file", "version").order_by("id")),
    )


DOCUMENT_FILTERS = [
    OpenApiParameter("status", str, required=False, enum=OutStatus.values, description="Trạng thái"),
    OpenApiParameter(
        "box",
        str,
        required=False,
        enum=list(BOXES),
        description="mine: dự thảo của tôi; to_review: chờ tôi duyệt; to_issue: chờ cấp số (văn thư)",
    ),
    OpenApiParameter("year", int, required=False, description="Năm"),
    OpenApiParameter("doc_type", int, required=False, description="Loại văn bản"),
    OpenApiParameter("q", str, required=False, description="Tìm theo trích yếu"),
]


def with_parts(qs, user):
    """Annotate ``in_record``: whether the user sees the drafting record of each document (one SQL predicate, tested
    on the page's rows only)."""
    record = authz.row_by_row(authz.predicate(OutgoingDocument, "record", scope_of(user)))
    return qs.annotate(
        in_record=Case(When(record, then=Value(True)), default=Value(False), output_field=BooleanField())
    )
