"""The exchange queue's jobs: send what is due, fetch what waits at the hub, sync the directory. They run on their
own Celery queue (``exchange``), so a slow partner never holds up the rest of the work."""

from celery import shared_task


@shared_task(name="vpdt.exchange.tasks.send_message")
def send_message(message_id: int) -> str:
    """Send one message now (urgent documents, resends); it is skipped if another worker has it."""
    from .outbox import send

    message = send(message_id)
    return message.state if message is not None else "skipped"


@shared_task(name="vpdt.exchange.tasks.send_due")
def send_due() -> int:
    """Send every message whose time has come (beat schedule in settings)."""
    from .outbox import due, send

    sent = 0
    for message_id in due().order_by("id").values_list("pk", flat=True)[:500]:
        message = send(message_id)
        sent += message is not None
    return sent


@shared_task(name="vpdt.exchange.tasks.poll")
def poll() -> int:
    """Fetch what waits for this deployment at the hub above (beat schedule in settings)."""
    from .polling import poll_upstream

    return poll_upstream()
