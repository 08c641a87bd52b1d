from celery import shared_task

from . import services


@shared_task(name="vpdt.journal.tasks.checkpoint")
def checkpoint() -> int | None:
    """Sign the journal's head outside the database (see :mod:`vpdt.journal.checkpoints`); its seq, if written."""
    result = services.write_checkpoint()
    return result.checkpoint.seq if result.checkpoint else None
