"""What the incoming screens and the API read without changing anything: a person's inboxes and their units'
queue, due states, the units late on their work, and a document's processing trail."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core import deadlines
from vpdt.core.authz import scope_of
from vpdt.directory.models import Unit
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry

from .lifecycle import OPEN
from .models import Assignment, AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument

A = AssignmentStatus
S = DocStatus

BOXES = ("to_process", "in_progress", "for_information", "done", "late")


def inbox(user, box: str) -> QuerySet:
    """The person's own assignments in one box, newest first (keyset on -id)."""
    qs = Assignment.objects.filter(user=user).select_related("document", "parent", "assigned_by")
    work = (AssignmentRole.LEAD, AssignmentRole.COOPERATE)
    if box == "to_process":
        qs = qs.filter(status=A.PENDING, role__in=work)
    elif box == "in_progress":
        qs = qs.filter(status=A.IN_PROGRESS, role__in=work)
    elif box == "for_information":
        qs = qs.filter(status__in=OPEN, role=AssignmentRole.INFORM)
    elif box == "done":
        qs = qs.filter(status=A.DONE)
    elif box == "late":
        qs = qs.filter(status__in=OPEN, deadline__lt=timezone.localdate())
    else:
        raise ValidationError(f"Hộp văn bản không hợp lệ: {box}.", code="box")
    return qs.order_by("-id")


def unit_queue(user) -> QuerySet:
    """Open assignments to the units the user leads, newest first."""
    led = scope_of(user).within("incoming").led_unit_ids
    if not led:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(unit_id__in=list(led), status__in=OPEN)
        .select_related("document", "unit")
        .order_by("-id")
    )


def due_state(obj, today: date | None = None) -> str:
    """:func:`vpdt.core.deadlines.due_state` of a document (its deadline, else the one it came with; done once
    completed) or of an assignment (done once no longer open)."""
    if isinstance(obj, IncomingDocument):
        return deadlines.due_state(obj.deadline or obj.due_date, done=obj.status == S.COMPLETED, today=today)
    return deadlines.due_state(obj.deadline, done=obj.status not in OPEN, today=today)


def late_units(agency, today: date | None = None) -> list[dict]:
    """Units with open, overdue assignments (directed by the leader) in the agency, most late first."""
    today = today or timezone.localdate()
    agency_id = getattr(agency, "pk", agency)
    rows = (
        Assignment.objects.filter(
            document__agency_id=agency_id, unit__isnull=False, parent__isnull=True, status__in=OPEN, deadline__lt=today
        )
        .values("unit_id")
        .annotate(late_count=Count("id"), oldest_deadline=Min("deadline"))
    )
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows])
    result = [
        {"unit": units[r["unit_id"]], "late_count": r["late_count"], "oldest_deadline": r["oldest_deadline"]}
        for r in rows
    ]
    result.sort(key=lambda r: (-r["late_count"], r["oldest_deadline"], r["unit"].name))
    return result


# ---------------------------------------------------------------------------------------------------------------
# Processing trail (vết xử lý)
# ---------------------------------------------------------------------------------------------------------------

# Journaled on the document but not processing steps (printing the slip): kept out of the trail.
NOT_IN_TRAIL = ("incoming.slip_printed",)


def trail(document: IncomingDocument) -> list[dict]:
    """Every journaled event of the document and its assignments, in journal order.

    Each item: seq, when, who, on_behalf_of, action (code), label and sentence (as the journal tells them, see
    :mod:`vpdt.incoming.journal`), details (as journaled), and the handy keys assignment, to, deadline, direction,
    text.
    """
    rows = sentences.annotate(
        JournalEntry.objects.filter(object_type=IncomingDocument._meta.label_lower, object_id=str(document.pk))
        .exclude(action__in=NOT_IN_TRAIL)
        .order_by("seq"),
        visible=True,
    )
    leaders = {  # who a document was submitted to, journaled by username: told by name
        e.details["leader"] for e in rows if e.action == "incoming.submit" and isinstance(e.details, dict)
    } - {None, ""}
    names = dict(User.objects.filter(username__in=leaders).values_list("username", "full_name")) if leaders else {}
    items = []
    for entry in rows:
        details = entry.details or {}
        to = details.get("to") or ""
        if entry.action == "incoming.direct":
            to = "; ".join(
                f"{AssignmentRole(t['role']).label}: {t.get('to') or t.get('unit') or t.get('user')}"
                for t in details.get("targets", [])
                if t.get("role") in AssignmentRole.values
            )
        elif entry.action == "incoming.submit":
            to = names.get(details.get("leader"), details.get("leader", ""))
        items.append(
            {
                "seq": entry.seq,
                "when": entry.created_at,
                "who": sentences.person(entry.actor_repr) or "Hệ thống",
                "on_behalf_of": sentences.person(entry.on_behalf_of_repr),
                "action": entry.action,
                "label": entry.label,
                "sentence": entry.sentence,
                "assignment": details.get("assignment"),
                "to": to,
                "deadline": details.get("deadline"),
                "direction": details.get("direction", ""),
                "text": details.get("text")
                or details.get("result")
                or details.get("reason")
                or details.get("opinion")
                or "",
                "details": details,
            }
        )
    return items
