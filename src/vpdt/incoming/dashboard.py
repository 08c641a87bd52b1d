"""What waits for a person at a glance (home page): documents to direct, own work, late documents."""

from django.utils import timezone

from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Role

from .models import Assignment, AssignmentStatus, DocStatus, IncomingDocument

LIMIT = 8
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def for_user(user) -> dict:
    scope = scope_of(user)
    today = timezone.localdate()
    data = {"today": today}
    incoming = scope.within("incoming")
    if incoming.has_role(Role.LEADER):  # submitted to them, or to a leader who delegated incoming work to them
        data["to_direct"] = _capped(
            IncomingDocument.objects.filter(leader_id__in=incoming.person_ids, status=DocStatus.SUBMITTED)
            .only("id", "arrival_number", "year", "subject", "urgency", "issuer_name", "submitted_at")
            .order_by("-urgency", "submitted_at", "id")
        )
    if scope.has_role(Role.LEADER, Role.CLERK) and scope.agency_id:
        data["late"] = _capped(
            visible(IncomingDocument, user)
            .filter(agency_id=scope.agency_id, deadline__lt=today)
            .exclude(status=DocStatus.COMPLETED)
            .only("id", "arrival_number", "year", "subject", "deadline", "status")
            .order_by("deadline", "id")
        )
    data["my_work"] = _capped(
        Assignment.objects.filter(user=user, status__in=OPEN)
        .select_related("document")
        .only(
            "id",
            "role",
            "deadline",
            "status",
            "document__id",
            "document__subject",
            "document__arrival_number",
            "document__year",
        )
        .order_by("deadline", "id")
    )
    return data
