"""The daily reminder of tasks due tomorrow or late."""

from celery import shared_task

from . import services


@shared_task(name="vpdt.collab.orders.tasks.remind_due")
def remind_due() -> int:
    return services.remind_due()
