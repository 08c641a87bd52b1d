"""The calendar's scheduled work: reminders before approved entries, and removing entries past their retention.

* **Reminders** (:func:`send_reminders`, every minute): an approved entry with a reminder (15, 30 or 60 minutes
  before) is told, once, to its chair and participants (people, and the members of participant units) through
  :func:`vpdt.notifications.services.notify` with the reminder topic, so every channel the person has carries it.
  What happened on each channel is recorded (:class:`.models.ReminderDelivery`) from what the notifications app
  did: the stored notification (in the application), a channel it was handed to (sent after the transaction), or
  why a channel was not used. Nothing claims a message was sent that was not handed to a channel.
* **Retention** (:func:`expire_entries`, daily): entries that ended more than ``VPDT_CALENDAR_RETENTION_MONTHS``
  ago are removed with their participants, links and deliveries, each removal journaled; a series left without
  occurrences goes too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vpdt.journal import services as journal
from vpdt.notifications import queries as notification_queries
from vpdt.notifications import services as notifications
from vpdt.notifications import topics

from .models import Entry, EntryStatus, ReminderDelivery, Series
from .services import people_of, span_text

BATCH = 200


def _record(entry: Entry, people: list, rows: list) -> list[ReminderDelivery]:
    return ReminderDelivery.objects.bulk_create(
        ReminderDelivery(
            entry=entry,
            user=o.user,
            channel=o.channel,
            status=o.status,
            note=o.note,
            notification_id=o.notification_id,
        )
        for o in notification_queries.outcomes(people, topics.REMINDER, rows)
    )


def remind(entry: Entry) -> list[ReminderDelivery]:
    """Tell an approved entry's people that it starts soon (inside the caller's transaction)."""
    people = people_of(entry)
    where = f", tại {entry.where}" if entry.where else ""
    text = f"Nhắc lịch: “{entry.title}” lúc {span_text(entry)}{where}"
    body = text + (f"\nHọp trực tuyến: {entry.video_url}" if entry.video_url else "")
    rows = notifications.notify(people, "calendar.reminder", text=text, body=body, topic=topics.REMINDER, target=entry)
    return _record(entry, people, rows)


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind the approved entries whose reminder time has come and that have not started; each once. Returns
    how many entries were reminded."""
    now = now or timezone.now()
    told = 0
    while True:
        with transaction.atomic():
            due = list(
                Entry.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(status=EntryStatus.APPROVED, remind_at__lte=now, starts_at__gt=now, reminded_at__isnull=True)
                .select_related("agency", "chair", "room", "created_by")
                .order_by("remind_at", "pk")[:BATCH]
            )
            for entry in due:
                remind(entry)
                entry.reminded_at = now
                entry.save(update_fields=["reminded_at"])
        told += len(due)
        if len(due) < BATCH:
            return told


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """The end before which an entry is past its retention (``VPDT_CALENDAR_RETENTION_MONTHS`` months ago)."""
    now = timezone.localtime(now or timezone.now())
    months = settings.VPDT_CALENDAR_RETENTION_MONTHS
    year, month = divmod(now.month - 1 - months, 12)
    year, month = now.year + year, month + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    day = min(now.day, (following - dt.timedelta(days=1)).day)
    return now.replace(year=year, month=month, day=day)


def expire_entries(now: dt.datetime | None = None) -> int:
    """Remove the entries that ended before :func:`cutoff`, journaling each. Returns how many were removed."""
    limit = cutoff(now)
    removed = 0
    while True:
        with transaction.atomic():
            old = list(
                Entry.objects.select_for_update(of=("self",))
                .filter(ends_at__lt=limit)
                .select_related("agency")
                .order_by("ends_at", "pk")[:BATCH]
            )
            if not old:
                return removed
            journal.record_each(
                [
                    {
                        "action": "calendar.entry.expire",
                        "obj": entry,
                        "agency": entry.agency,
                        "details": {
                            "ended": f"{timezone.localtime(entry.ends_at):%H:%M %d/%m/%Y}",
                            "status": entry.status,
                            "kept_months": settings.VPDT_CALENDAR_RETENTION_MONTHS,
                        },
                    }
                    for entry in old
                ]
            )
            series = {e.series_id for e in old if e.series_id}
            Entry.objects.filter(pk__in=[e.pk for e in old]).delete()
            Series.objects.filter(pk__in=series, entries__isnull=True).delete()
        removed += len(old)
