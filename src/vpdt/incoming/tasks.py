from celery import shared_task


@shared_task(name="vpdt.incoming.tasks.submit_batch")
def submit_batch() -> int:
    from . import services

    return services.submit_batch()
