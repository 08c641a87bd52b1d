"""Following incoming work up (SPEC §2.4): replies (phúc đáp), inboxes, deadlines, reminders and the trail.

Every change goes through these functions, inside one transaction, and is journaled.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from vpdt.core import deadlines
from vpdt.core.authz import scope_of
from vpdt.directory.models import Unit
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from ..lifecycle import DOCUMENT, OPEN
from ..models import Assignment, AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument, ReplyRecord, ReplyStatus
from .notices import assignee_name, display_name, recipients

A = AssignmentStatus
S = DocStatus

# ---------------------------------------------------------------------------------------------------------------
# Replies (phúc đáp): a request is recorded here; the outgoing draft started from the document takes it up
# ---------------------------------------------------------------------------------------------------------------


def request_reply(actor, document: IncomingDocument, subject: str = "") -> ReplyRecord:
    """Ask for a reply (văn bản trả lời) to a document that needs one. Anyone who can see the document.

    Only the request is recorded: the draft is written by someone who may draft (the document's "Soạn văn bản trả
    lời"), and :func:`link_draft_reply` then takes the open request up."""
    DOCUMENT.check(document, "request_reply", actor=actor)
    subject = (subject or "").strip() or f"V/v trả lời văn bản số {document.number_symbol or document.subject[:80]}"
    with transaction.atomic():
        record = ReplyRecord.objects.create(document=document, created_by=actor, subject=subject[:500])
        journal.record(
            "incoming.reply_request",
            actor=actor,
            obj=document,
            details={"reply": record.pk, "subject": record.subject, "reply_due": document.reply_due},
        )
    return record


def link_reply(actor, record: ReplyRecord, outgoing_reference: str) -> ReplyRecord:
    """Called by the outgoing capability once the reply has a number (or draft reference)."""
    outgoing_reference = (outgoing_reference or "").strip()
    if not outgoing_reference:
        raise ValidationError({"outgoing_reference": "Thiếu số, ký hiệu văn bản trả lời."})
    with transaction.atomic():
        record = ReplyRecord.objects.select_for_update().select_related("document").get(pk=record.pk)
        record.outgoing_reference = outgoing_reference[:100]
        record.status = ReplyStatus.LINKED
        record.save(update_fields=["outgoing_reference", "status"])
        journal.record(
            "incoming.reply_link",
            actor=actor,
            obj=record.document,
            details={"reply": record.pk, "outgoing_reference": record.outgoing_reference},
        )
    return record


def link_draft_reply(actor, document: IncomingDocument, outgoing) -> ReplyRecord:
    """A draft reply was started from this document: take the open reply request, or record a new one."""
    DOCUMENT.check(document, "draft_reply", actor=actor)
    record = (
        ReplyRecord.objects.select_for_update()
        .filter(document=document, status=ReplyStatus.DRAFT_REQUESTED, outgoing__isnull=True)
        .first()
    )
    if record is None:
        record = ReplyRecord.objects.create(document=document, created_by=actor, subject=outgoing.subject[:500])
    record.outgoing = outgoing
    record.outgoing_reference = "Dự thảo"
    record.save(update_fields=["outgoing", "outgoing_reference"])
    journal.record(
        "incoming.reply_draft",
        actor=actor,
        obj=document,
        details={"reply": record.pk, "outgoing": outgoing.pk, "subject": outgoing.subject},
    )
    return record


def link_issued_reply(actor, document: IncomingDocument, outgoing) -> None:
    """The reply was issued: its number and symbol go on the incoming document's reply records."""
    for record in ReplyRecord.objects.filter(document=document, outgoing=outgoing):
        link_reply(actor, record, outgoing.number_symbol)


# ---------------------------------------------------------------------------------------------------------------
# Follow-up (theo dõi, đôn đốc)
# ---------------------------------------------------------------------------------------------------------------

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


def send_reminders(today: date | None = None) -> int:
    """Notify the handlers of late and nearly due work (by e-mail too, as their preferences say), at most once per
    assignment per day.

    Returns the number of reminders sent (one per recipient per assignment).
    """
    today = today or deadlines.local_today()
    horizon = deadlines.due_soon_horizon(today)
    due = (
        Assignment.objects.filter(
            status__in=OPEN,
            deadline__isnull=False,
            deadline__lte=horizon,
            document__status__in=(S.DIRECTED, S.IN_PROGRESS),
        )
        .exclude(last_reminded_on=today)
        .select_related("document", "unit", "user")
        .order_by("id")
    )
    sent = 0
    for assignment in due.iterator():
        people = recipients(assignment)
        if not people:
            continue
        with transaction.atomic():
            # Claim today's reminder first, so a second run (or a concurrent worker) does not send it again.
            claimed = (
                Assignment.objects.filter(pk=assignment.pk)
                .exclude(last_reminded_on=today)
                .update(last_reminded_on=today)
            )
            if not claimed:
                continue
            doc = assignment.document
            late = assignment.deadline < today
            state = "đã quá hạn" if late else "sắp đến hạn"
            number = f"số đến {doc.arrival_number}/{doc.year}"
            if doc.number_symbol:
                number += f", số {doc.number_symbol}"
            body = (
                f"Văn bản đến {number} của {doc.issuer_name}\n"
                f"Trích yếu: {doc.subject}\n"
                f"Vai trò: {assignment.get_role_display()}"
                f"{' (giao cho ' + assignment.unit.name + ')' if assignment.unit_id else ''}\n"
                f"Hạn xử lý: {assignment.deadline:%d/%m/%Y} – {state}.\n\n"
                "Đề nghị đồng chí khẩn trương xử lý và cập nhật tiến độ trên hệ thống."
            )
            notify(
                people,
                "incoming.remind",
                topic=topics.REMINDER,
                target=doc,
                body=body,
                text=f"Văn bản đến {number} {state} xử lý (hạn {assignment.deadline:%d/%m/%Y}): {doc.subject}",
            )
            journal.record(
                "incoming.assignment.remind",
                actor=None,
                obj=doc,
                details={
                    "assignment": assignment.pk,
                    "to": assignee_name(assignment),
                    "deadline": assignment.deadline,
                    "state": "late" if late else "due_soon",
                    "recipients": [display_name(u) for u in people],
                },
            )
        sent += len(people)
    return sent


# ---------------------------------------------------------------------------------------------------------------
# Processing trail (vết xử lý), the future TraceHeaderList of the exchange
# ---------------------------------------------------------------------------------------------------------------

# Journaled on the document but not processing steps (printing the slip): kept out of the trail.
NOT_IN_TRAIL = ("incoming.slip_printed",)


def trail(document: IncomingDocument) -> list[dict]:
    """Every journaled event of the document and its assignments, in journal order.

    Each item: seq, when, who, on_behalf_of, action (code), label and sentence (as the journal tells them, see
    :mod:`vpdt.incoming.journal`), details (as journaled), and the handy keys assignment, to, deadline, direction,
    text.
    """
    from vpdt.journal import sentences
    from vpdt.journal.models import JournalEntry

    rows = sentences.annotate(
        JournalEntry.objects.filter(object_type=IncomingDocument._meta.label_lower, object_id=str(document.pk))
        .exclude(action__in=NOT_IN_TRAIL)
        .order_by("seq"),
        visible=True,
    )
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
            to = details.get("leader", "")
        items.append(
            {
                "seq": entry.seq,
                "when": entry.created_at,
                "who": entry.actor_repr or "Hệ thống",
                "on_behalf_of": entry.on_behalf_of_repr,
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
