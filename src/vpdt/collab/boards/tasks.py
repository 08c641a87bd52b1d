from celery import shared_task


@shared_task(name="vpdt.collab.boards.tasks.expire_announcements")
def expire_announcements() -> int:
    """Daily: remove the announcements past their retention date (journaled one by one)."""
    from . import services

    return services.expire_announcements()
