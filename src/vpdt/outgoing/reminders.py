"""Daily reminders to reviewers of drafts (SPEC §3.3): the active review step that is late or falls due today or
on the next working day. At most one reminder per step per day (``ReviewStep.last_reminded_on``), only on working
days, in the application (Notification) and by e-mail, each journaled as ``outgoing.step.remind``."""

from __future__ import annotations

import logging
from datetime import date

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from vpdt.core.workdays import add_working_days, is_working_day
from vpdt.incoming.models import Notification
from vpdt.journal import services as journal

from .models import OutStatus, ReviewStep, StepStatus

log = logging.getLogger(__name__)


def _name(user) -> str:
    return getattr(user, "full_name", "") or user.username


def send_review_reminders(today: date | None = None) -> int:
    """Remind the reviewer of every active step due by the next working day (or late). Returns reminders sent."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    horizon = add_working_days(today, 1)
    due = (ReviewStep.objects.filter(status=StepStatus.ACTIVE, due_date__isnull=False, due_date__lte=horizon,
                                     document__status=OutStatus.IN_REVIEW, reviewer__is_active=True)
           .exclude(last_reminded_on=today)
           .select_related("document", "document__agency", "document__drafter", "reviewer").order_by("id"))
    sent = 0
    for step in due.iterator(chunk_size=500):
        doc, reviewer = step.document, step.reviewer
        late = step.due_date < today
        state = "đã quá hạn" if late else ("đến hạn hôm nay" if step.due_date == today else "sắp đến hạn")
        url = f"/van-ban-di/{doc.pk}/"
        with transaction.atomic():
            # Claim today's reminder first: a second run (or a concurrent worker) does not send it again.
            if not ReviewStep.objects.filter(pk=step.pk).exclude(last_reminded_on=today).update(
                    last_reminded_on=today):
                continue
            Notification.objects.create(
                user=reviewer, url=url,
                text=(f"Nhắc hạn: dự thảo chờ bạn duyệt {state} (hạn {step.due_date:%d/%m/%Y}, {step.label}): "
                      f"{doc.subject}")[:500])
            journal.record("outgoing.step.remind", actor=None, obj=doc, agency=doc.agency_id,
                           details={"step": step.pk, "label": step.label, "reviewer": reviewer.pk,
                                    "due_date": step.due_date, "state": "late" if late else "due_soon"})
        if reviewer.email:
            subject = f"[Văn phòng điện tử] Dự thảo văn bản chờ duyệt {state}: {doc.subject}"[:200]
            body = (f"Kính gửi {_name(reviewer)},\n\n"
                    f"Dự thảo văn bản của {_name(doc.drafter)} ({doc.agency.name}) đang chờ đồng chí xử lý.\n"
                    f"Trích yếu: {doc.subject}\n"
                    f"Bước duyệt: {step.label}\n"
                    f"Hạn xử lý: {step.due_date:%d/%m/%Y} – {state}.\n\n"
                    f"Đề nghị đồng chí xem và cho ý kiến trên hệ thống: {url}\n\n"
                    "Thư này được gửi tự động, xin không trả lời.")
            try:
                send_mail(subject, body, None, [reviewer.email])
            except Exception:  # a mail outage must not stop the other reminders
                log.exception("Không gửi được thư nhắc duyệt dự thảo cho %s", reviewer.username)
        sent += 1
    return sent
