"""Shared low-level models: gapless counters used by the journal and by document numbering."""

from django.db import models


class Counter(models.Model):
    """A named counter whose row is locked for the duration of the transaction that advances it.

    ``key`` is e.g. ``"journal"`` or ``"incoming:<register>:<year>"``. Advancing happens in
    :func:`vpdt.core.services.next_value`, inside the caller's transaction, so a rolled-back
    transaction also rolls back its number: no gaps, no duplicates.
    """

    key = models.CharField(max_length=200, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm"
        verbose_name_plural = "bộ đếm"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class LiveEvent(models.Model):
    """A nudge for one person's open pages, kept a few minutes for the embedded live relay
    (:mod:`vpdt.core.realtime`); production sends them through Redis and writes none."""

    user_id = models.BigIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "sự kiện trực tiếp"
        verbose_name_plural = "sự kiện trực tiếp"
