"""Celery tasks of digitization. The OCR runs on its own queue "ocr" (settings.CELERY_TASK_ROUTES), so long
OCR jobs never hold up reminders and deliveries on the default queue; the periodic :func:`requeue_stale` sends
again the jobs a stopped worker or broker lost. Reading the text (``run_ocr``) and building the PDF/A archive copy
(``build_archive``, after it) are two tasks, so the clerk's prefilled form never waits for the archive."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import archive, processing
from .models import ArchiveStatus, Digitization, Status
from .processing import GAVE_UP, MACHINE, MAX_ATTEMPTS, STALE, mark_queued, still_working

log = logging.getLogger(__name__)
S = Status
QUEUE = "ocr"


@shared_task(name="vpdt.digitize.tasks.run_ocr", ignore_result=True, soft_time_limit=1800, time_limit=1900)
def run_ocr(digitization_id: int) -> str:
    """Read the text (the clerk's prefilled form waits for it); the archive copy follows as its own task."""
    item = processing.process(digitization_id)
    if item is not None and item.archive_status == ArchiveStatus.QUEUED:
        send_archive(item.pk)
    return item.status if item is not None else "missing"


@shared_task(name="vpdt.digitize.tasks.build_archive", ignore_result=True, soft_time_limit=1800, time_limit=1900)
def build_archive(digitization_id: int) -> str:
    item = archive.build(digitization_id)
    return item.archive_status if item is not None else "missing"


def send(digitization_id: int) -> None:
    try:
        run_ocr.delay(digitization_id)
    except Exception:  # broker down: the row stays "queued"; "Số hóa lại" or the API retry sends it again
        log.exception("Không gửi được việc số hóa %s vào hàng đợi", digitization_id)


def send_archive(digitization_id: int) -> None:
    try:
        build_archive.delay(digitization_id)
    except Exception:  # broker down: the periodic requeue_stale sends it again
        log.exception("Không gửi được việc tạo bản PDF/A %s vào hàng đợi", digitization_id)


@shared_task(name="vpdt.digitize.tasks.requeue_stale", ignore_result=True)
def requeue_stale(now=None) -> int:
    """The periodic job: digitizations queued or running for longer than :data:`STALE` were lost by a stopped
    worker or broker. They are sent again (journaled as a retry by the system), or end failed with a clear
    message after :data:`MAX_ATTEMPTS` runs. Returns how many were sent again."""
    now = now or timezone.now()
    cutoff = now - STALE
    stale = Digitization.objects.filter(
        Q(status=S.QUEUED) & (Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff))
        | Q(status=S.RUNNING, started_at__lt=cutoff)
    )
    sent = 0
    for pk in stale.order_by("id").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            item = Digitization.objects.select_for_update().select_related("file").filter(pk=pk).first()
            if item is None or item.status not in (S.QUEUED, S.RUNNING) or still_working(item):
                continue
            if item.attempts >= MAX_ATTEMPTS:
                item.error, item.finished_at = GAVE_UP.format(n=item.attempts), now
                MACHINE.apply(
                    item,
                    "fail",
                    actor=None,
                    extra_fields=["error", "finished_at"],
                    details={"file": item.file_id, "attempts": item.attempts, "stale": True},
                )
                continue
            item.progress, item.error, item.reason, item.message = 0, "", "", ""
            MACHINE.apply(
                item,
                "retry",
                actor=None,
                extra_fields=["progress", "error", "reason", "message"],
                details={"file": item.file_id, "attempts": item.attempts, "stale": True},
            )
            mark_queued(item)
            transaction.on_commit(lambda i=item.pk: send(i))
            sent += 1
    return sent + archive.requeue_stale(now, cutoff, MAX_ATTEMPTS, send_archive)
