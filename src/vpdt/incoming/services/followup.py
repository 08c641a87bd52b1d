"""Following incoming work up (SPEC §2.4): replies (phúc đáp) and reminders of deadlines.

Every change goes through these functions, inside one transaction, and is journaled.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from vpdt.core import deadlines
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from ..lifecycle import DOCUMENT, OPEN
from ..models import Assignment, AssignmentStatus, DocStatus, IncomingDocument, ReplyRecord, ReplyStatus
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
