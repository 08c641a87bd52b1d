"""What waits for a person at a glance, outgoing side: the home page widgets of drafts to review, opinions asked
and returned drafts, and for clerks the documents to issue (registered in ``OutgoingConfig.ready()``). Documents
arrived and recalls to answer are the exchange's widget, every route in one list."""

from django.utils import timezone

from vpdt.core import dashboard
from vpdt.core.authz import manageable, scope_of
from vpdt.directory.models import Role

from .models import Consultation, OutgoingDocument, OutStatus, ReviewStep, StepStatus

LIMIT = 8


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def to_review(request) -> dict | None:
    user = request.user
    data = {
        "today": timezone.localdate(),
        "to_review": _capped(
            ReviewStep.objects.filter(
                reviewer_id__in=scope_of(user).within("approval").person_ids, status=StepStatus.ACTIVE
            )
            .select_related("document")
            .only("id", "label", "due_date", "reviewer_id", "document__id", "document__subject", "document__urgency")
            .order_by("due_date", "id")
        ),
        "opinions": _capped(
            Consultation.objects.filter(user=user, answered_at__isnull=True, step__status=StepStatus.ACTIVE)
            .select_related("step__document")
            .only("id", "step__document__id", "step__document__subject")
            .order_by("id")
        ),
        "returned": _capped(
            OutgoingDocument.objects.filter(drafter=user, status=OutStatus.RETURNED)
            .only("id", "subject")
            .order_by("-updated_at", "-id")
        ),
    }
    return data if any(data[key]["rows"] for key in ("to_review", "opinions", "returned")) else None


def clerk(request) -> dict | None:
    user = request.user
    scope = scope_of(user)
    if not (scope.has_role(Role.CLERK) and scope.agency_id):
        return None
    data = {
        "today": timezone.localdate(),
        "to_issue": _capped(
            manageable(OutgoingDocument, user)
            .filter(agency_id=scope.agency_id, status=OutStatus.APPROVED)
            .only("id", "subject", "approved_at", "urgency")
            .order_by("approved_at", "id")
        ),
    }
    return data if data["to_issue"]["rows"] else None


def register() -> None:
    dashboard.register(
        "outgoing.to_review", region="main", order=30, template="outgoing/widgets/to_review.html", data=to_review
    )
    dashboard.register("outgoing.clerk", region="main", order=40, template="outgoing/widgets/clerk.html", data=clerk)
