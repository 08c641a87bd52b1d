"""Celery task of digitization, routed to its own queue "ocr" (settings.CELERY_TASK_ROUTES), so long OCR jobs
never hold up reminders and deliveries on the default queue."""

from celery import shared_task

QUEUE = "ocr"


@shared_task(name="vpdt.digitize.tasks.run_ocr", ignore_result=True, soft_time_limit=1800, time_limit=1900)
def run_ocr(digitization_id: int) -> str:
    from . import services

    item = services.process(digitization_id)
    return item.status if item is not None else "missing"


@shared_task(name="vpdt.digitize.tasks.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    from . import services

    return services.requeue_stale()
