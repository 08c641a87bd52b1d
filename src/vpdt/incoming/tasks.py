from celery import shared_task


@shared_task(name="vpdt.incoming.tasks.submit_batch")
def submit_batch() -> int:
    from . import services

    return services.submit_batch()


@shared_task(name="vpdt.incoming.tasks.send_reminders")
def send_reminders() -> int:
    """Daily: e-mail and notify handlers of late and nearly due incoming documents (beat schedule in settings)."""
    from . import services

    return services.send_reminders()
