from celery import shared_task


@shared_task(name="vpdt.accounts.tasks.enforce_inactivity")
def enforce_inactivity() -> dict:
    from . import services

    return services.enforce_inactivity()
