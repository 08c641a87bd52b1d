"""The calendar's scheduled tasks: reminders (every minute) and retention (daily)."""

from celery import shared_task


@shared_task(name="vpdt.collab.calendar.tasks.send_reminders")
def send_reminders() -> int:
    from . import upkeep

    return upkeep.send_reminders()


@shared_task(name="vpdt.collab.calendar.tasks.expire_entries")
def expire_entries() -> int:
    """Daily: remove the entries past their retention (journaled one by one)."""
    from . import upkeep

    return upkeep.expire_entries()
