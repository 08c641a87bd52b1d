"""Core services: gapless counters."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Counter


def next_value(key: str) -> int:
    """Advance counter ``key`` by one and return the new value.

    Must run inside a transaction (it opens one if needed). The UPDATE takes the row lock on
    PostgreSQL and the database write lock on SQLite, so concurrent callers serialise until the
    surrounding transaction ends. A rolled-back caller gives its number back.
    """
    with transaction.atomic():
        updated = Counter.objects.filter(key=key).update(value=F("value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=1)
                    return 1
            except IntegrityError:
                # Another transaction created it first; now the UPDATE waits on its lock.
                Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.filter(key=key).values_list("value", flat=True).get()


def peek_value(key: str) -> int:
    return Counter.objects.filter(key=key).values_list("value", flat=True).first() or 0
