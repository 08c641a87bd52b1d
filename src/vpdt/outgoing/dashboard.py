"""What waits for a person at a glance (home page), outgoing side: drafts to review, opinions asked,
returned drafts, and for clerks the documents to issue, deliveries to receive and recalls to confirm."""

from django.utils import timezone

from vpdt.core.authz import manageable, scope_of
from vpdt.directory.models import Role

from . import delivery
from .models import Consultation, OutgoingDocument, OutStatus, ReviewStep, StepStatus

LIMIT = 8


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def for_user(user) -> dict:
    scope = scope_of(user)
    data = {"today": timezone.localdate()}
    data["to_review"] = _capped(
        ReviewStep.objects.filter(reviewer_id__in=scope.within("approval").person_ids, status=StepStatus.ACTIVE)
        .select_related("document")
        .only("id", "label", "due_date", "reviewer_id", "document__id", "document__subject", "document__urgency")
        .order_by("due_date", "id")
    )
    data["opinions"] = _capped(
        Consultation.objects.filter(user=user, answered_at__isnull=True, step__status=StepStatus.ACTIVE)
        .select_related("step__document")
        .only("id", "step__document__id", "step__document__subject")
        .order_by("id")
    )
    data["returned"] = _capped(
        OutgoingDocument.objects.filter(drafter=user, status=OutStatus.RETURNED)
        .only("id", "subject")
        .order_by("-updated_at", "-id")
    )
    if scope.has_role(Role.CLERK) and scope.agency_id:
        data["to_issue"] = _capped(
            manageable(OutgoingDocument, user)
            .filter(agency_id=scope.agency_id, status=OutStatus.APPROVED)
            .only("id", "subject", "approved_at", "urgency")
            .order_by("approved_at", "id")
        )
        data["deliveries"] = _capped(delivery.waiting_for(user))
        data["recalls"] = _capped(delivery.recalls_waiting_for(user))
    return data
