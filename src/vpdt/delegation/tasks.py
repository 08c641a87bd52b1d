from celery import shared_task


@shared_task(name="vpdt.delegation.tasks.notify_expired")
def notify_expired() -> int:
    """Daily: tell everyone affected that a delegation has ended, and journal it."""
    from .services import notify_expired as run

    return run()
