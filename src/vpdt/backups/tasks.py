"""Scheduled backups (Celery beat entry "backups-weekly")."""

from celery import shared_task

from . import services


@shared_task(name="vpdt.backups.tasks.scheduled_backup")
def scheduled_backup() -> dict:
    """Create a backup in VPDT_BACKUP_DIR, then keep only the newest VPDT_BACKUP_KEEP archives."""
    path = services.create_backup()
    return {"backup": str(path), "pruned": services.prune_backups()}
