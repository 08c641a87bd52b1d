from celery import shared_task


@shared_task(name="vpdt.outgoing.tasks.review_reminders")
def review_reminders() -> int:
    """Daily on working days: remind reviewers of late and nearly due draft reviews (beat schedule in settings)."""
    from .reminders import send_review_reminders

    return send_review_reminders()
