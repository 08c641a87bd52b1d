"""What the incoming screens and the API read without changing anything: a person's inboxes and their units'
queue, due states, the units late on their work, and a document's processing trail."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core import deadlines
from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Agency, Unit
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry
from vpdt.search.text import fold

from .lifecycle import OPEN
from .models import Assignment, AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument

A = AssignmentStatus
S = DocStatus

BOXES = ("to_process", "in_progress", "for_information", "done", "late")
WORK = (AssignmentRole.LEAD, AssignmentRole.COOPERATE)


def inbox(user, box: str) -> QuerySet:
    """The person's own assignments in one box, newest first (keyset on -id)."""
    qs = Assignment.objects.filter(user=user).select_related("document", "parent", "assigned_by")
    if box == "to_process":
        qs = qs.filter(status=A.PENDING, role__in=WORK)
    elif box == "in_progress":
        qs = qs.filter(status=A.IN_PROGRESS, role__in=WORK)
    elif box == "for_information":
        qs = qs.filter(status__in=OPEN, role=AssignmentRole.INFORM)
    elif box == "done":
        qs = qs.filter(status=A.DONE)
    elif box == "late":
        qs = qs.filter(status__in=OPEN, deadline__lt=timezone.localdate())
    else:
        raise ValidationError(f"Hộp văn bản không hợp lệ: {box}.", code="box")
    return qs.order_by("-id")


def to_direct(user) -> QuerySet:
    """Documents waiting for the person's direction (bút phê): submitted to them, or to a leader who delegated
    incoming work to them; oldest submission first, the most urgent before."""
    people = scope_of(user).within("incoming").person_ids
    return IncomingDocument.objects.filter(leader_id__in=people, status=S.SUBMITTED).order_by(
        "-urgency", "submitted_at", "id"
    )


def unit_waiting(user) -> QuerySet:
    """Assignments to the units the person leads that nobody in the unit was given yet (chờ phân công)."""
    led = scope_of(user).within("incoming").led_unit_ids
    if not led:
        return Assignment.objects.none()
    return Assignment.objects.filter(unit_id__in=sorted(led), status=A.PENDING).order_by("-id")


def to_submit(user) -> QuerySet:
    """For the agency's clerks: documents registered and not yet submitted to a leader."""
    scope = scope_of(user)
    if not scope.agency_id:
        return IncomingDocument.objects.none()
    return IncomingDocument.objects.filter(agency_id=scope.agency_id, status=S.REGISTERED).order_by("-id")


UNFINISHED = (S.COMPLETED, S.WITHDRAWN)


def agency_open(user) -> QuerySet:
    """For the leaders and clerks of an agency: its documents with a deadline, not yet completed (the register
    list's ``han`` filter narrows them to those due soon or late)."""
    scope = scope_of(user)
    if not scope.agency_id:
        return IncomingDocument.objects.none()
    return (
        IncomingDocument.objects.filter(agency_id=scope.agency_id, deadline__isnull=False)
        .exclude(status__in=UNFINISHED)
        .order_by("deadline", "id")
    )


def month_processing(agency_id: int, today: date | None = None) -> dict:
    """The agency's documents arrived this month (Vietnam time), in three parts: completed on time (by their
    deadline, or without one), late (completed after the deadline, or still open past it) and pending (open, the
    deadline not passed). One query over the month's rows of the agency (index agency, arrival date)."""
    today = today or deadlines.local_today()
    start = timezone.make_aware(datetime.combine(today.replace(day=1), time.min), timezone.get_default_timezone())
    done = Q(status=S.COMPLETED)
    late_done = done & Q(deadline__isnull=False, completed_at__date__gt=F("deadline"))
    counts = (
        IncomingDocument.objects.filter(agency_id=agency_id, arrival_date__gte=start)
        .exclude(status=S.WITHDRAWN)
        .aggregate(
            on_time=Count("id", filter=done & ~late_done),
            late=Count("id", filter=late_done | (~done & Q(deadline__lt=today))),
            pending=Count("id", filter=~done & (Q(deadline__isnull=True) | Q(deadline__gte=today))),
        )
    )
    return {"month": today.replace(day=1), "total": sum(counts.values()), **counts}


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


SUGGESTIONS = 10
RECENT_ISSUERS = 2000  # the agency's latest registrations read for issuers (bounded, by the agency index)


def issuer_suggestions(user, text: str) -> list[dict]:
    """Issuing agencies matching ``text`` (diacritics and case ignored) for the registration form: agencies of the
    directory first (with their mã định danh), then issuers of the person's agency's latest registrations. Those
    starting with the text come before those containing it."""
    wanted = fold(" ".join(text.split()))[:100]
    if len(wanted) < 2:
        return []
    found: dict[str, dict] = {}

    def consider(name: str, code: str, source: str) -> None:
        key = fold(name)
        if not name or key in found or wanted not in key:
            return
        found[key] = {
            "name": name,
            "code": code,
            "label": f"{name} ({code})" if code else name,
            "source": source,
            "rank": (0 if key.startswith(wanted) else 1, 0 if source == "directory" else 1, len(name)),
        }

    for name, code in visible(Agency, user).filter(is_active=True).values_list("name", "code").iterator():
        consider(name, code, "directory")
    agency_id = scope_of(user).agency_id
    if agency_id:
        recent = (
            IncomingDocument.objects.filter(agency_id=agency_id)
            .order_by("-id")
            .values_list("issuer_name", "issuer_code")[:RECENT_ISSUERS]
        )
        for name, code in recent:
            consider(name, code, "past")
    ranked = sorted(found.values(), key=lambda item: item["rank"])[:SUGGESTIONS]
    return [{k: v for k, v in item.items() if k != "rank"} for item in ranked]
