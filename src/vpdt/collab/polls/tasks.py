from celery import shared_task


@shared_task(name="vpdt.collab.polls.tasks.expire_polls")
def expire_polls() -> int:
    """Daily: remove the closed polls past their retention date (journaled one by one)."""
    from . import services

    return services.expire_polls()


@shared_task(name="vpdt.collab.polls.tasks.remind_non_responders")
def remind_non_responders() -> int:
    """Daily: remind those who have not answered, shortly before the deadline."""
    from . import services

    return services.remind_non_responders()


@shared_task(name="vpdt.collab.polls.tasks.close_expired")
def close_expired() -> int:
    """Every few minutes: close the open polls whose deadline has passed, as the poller's close would."""
    from . import services

    return services.close_expired()
