"""What waits for a person at a glance, incoming side: the home page widgets of documents to direct, own work and
late documents (registered in ``IncomingConfig.ready()``)."""

from django.utils import timezone

from vpdt.core import dashboard
from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Role

from .models import Assignment, AssignmentStatus, DocStatus, IncomingDocument

LIMIT = 8
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def to_direct(request) -> dict | None:
    """For a leader: documents submitted to them, or to a leader who delegated incoming work to them."""
    incoming = scope_of(request.user).within("incoming")
    if not incoming.has_role(Role.LEADER):
        return None
    return _capped(
        IncomingDocument.objects.filter(leader_id__in=incoming.person_ids, status=DocStatus.SUBMITTED)
        .only("id", "arrival_number", "year", "subject", "urgency", "issuer_name", "submitted_at")
        .order_by("-urgency", "submitted_at", "id")
    )


def my_work(request) -> dict:
    data = _capped(
        Assignment.objects.filter(user=request.user, status__in=OPEN)
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
    return {**data, "today": timezone.localdate()}


def late(request) -> dict | None:
    """For the leaders and clerks of an agency: its documents past their deadline."""
    scope = scope_of(request.user)
    if not (scope.has_role(Role.LEADER, Role.CLERK) and scope.agency_id):
        return None
    return _capped(
        visible(IncomingDocument, request.user)
        .filter(agency_id=scope.agency_id, deadline__lt=timezone.localdate())
        .exclude(status=DocStatus.COMPLETED)
        .only("id", "arrival_number", "year", "subject", "deadline", "status")
        .order_by("deadline", "id")
    )


def register() -> None:
    dashboard.register(
        "incoming.to_direct", region="main", order=10, template="incoming/widgets/to_direct.html", data=to_direct
    )
    dashboard.register(
        "incoming.my_work", region="main", order=20, template="incoming/widgets/my_work.html", data=my_work
    )
    dashboard.register("incoming.late", region="main", order=60, template="incoming/widgets/late.html", data=late)
