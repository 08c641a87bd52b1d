"""Daily reminders to reviewers of drafts (SPEC §3.3): the active review step that is late or falls due today or
on the next working day. At most one reminder per step per day (``ReviewStep.last_reminded_on``), only on working
days, through the notifications app (in the application, and by e-mail as the reviewer's preferences say), each
journaled as ``outgoing.step.remind``."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from vpdt.core.workdays import add_working_days, is_working_day
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from .models import OutStatus, ReviewStep, StepStatus


def _name(user) -> str:
    return getattr(user, "full_name", "") or user.username


def send_review_reminders(today: date | None = None) -> int:
    """Remind the reviewer of every active step due by the next working day (or late). Returns reminders sent."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    horizon = add_working_days(today, 1)
    due = (
        ReviewStep.objects.filter(
            status=StepStatus.ACTIVE,
            due_date__isnull=False,
            due_date__lte=horizon,
            document__status=OutStatus.IN_REVIEW,
            reviewer__is_active=True,
        )
        .exclude(last_reminded_on=today)
        .select_related("document", "document__agency", "document__drafter", "reviewer")
        .order_by("id")
    )
    sent = 0
    for step in due.iterator(chunk_size=500):
        doc, reviewer = step.document, step.reviewer
        late = step.due_date < today
        state = "đã quá hạn" if late else ("đến hạn hôm nay" if step.due_date == today else "sắp đến hạn")
        with transaction.atomic():
            # Claim today's reminder first: a second run (or a concurrent worker) does not send it again.
            if not ReviewStep.objects.filter(pk=step.pk).exclude(last_reminded_on=today).update(last_reminded_on=today):
                continue
            notify(
                [reviewer],
                "outgoing.review_reminder",
                topic=topics.REMINDER,
                target=doc,
                text=(
                    f"Nhắc hạn: dự thảo chờ bạn duyệt {state} (hạn {step.due_date:%d/%m/%Y}, {step.label}): "
                    f"{doc.subject}"
                ),
                body=(
                    f"Dự thảo văn bản của {_name(doc.drafter)} ({doc.agency.name}) đang chờ đồng chí xử lý.\n"
                    f"Trích yếu: {doc.subject}\n"
                    f"Bước duyệt: {step.label}\n"
                    f"Hạn xử lý: {step.due_date:%d/%m/%Y} – {state}.\n\n"
                    "Đề nghị đồng chí xem và cho ý kiến trên hệ thống."
                ),
            )
            journal.record(
                "outgoing.step.remind",
                actor=None,
                obj=doc,
                agency=doc.agency_id,
                details={
                    "step": step.pk,
                    "label": step.label,
                    "reviewer": reviewer.pk,
                    "due_date": step.due_date,
                    "state": "late" if late else "due_soon",
                },
            )
        sent += 1
    return sent
