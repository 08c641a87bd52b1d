"""The daily emptying of the trash (thùng rác): a copy left there longer than ``VPDT_MAIL_TRASH_DAYS`` is deleted
for its owner, as they would delete it themselves (the message and the other people's copies stay), and the run is
journaled with how many copies it removed."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vpdt.journal import services as journal

from .models import MailboxEntry


@shared_task(name="vpdt.collab.mail.tasks.empty_trash")
def empty_trash() -> int:
    """Delete the copies in the trash for longer than the retention period. Returns how many."""
    now = timezone.now()
    limit = now - dt.timedelta(days=settings.VPDT_MAIL_TRASH_DAYS)
    with transaction.atomic():
        ids = list(
            MailboxEntry.objects.select_for_update()
            .filter(trashed_at__lt=limit, deleted_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if ids:
            MailboxEntry.objects.filter(pk__in=ids).update(deleted_at=now)
            journal.record(
                "internalmail.empty_trash",
                details={"removed": len(ids), "days": settings.VPDT_MAIL_TRASH_DAYS},
            )
    return len(ids)
