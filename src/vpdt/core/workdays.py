"""Working days: Monday to Friday, minus the holidays configured in ``VPDT_HOLIDAYS`` (dd/mm/yyyy list)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _holidays(raw: tuple) -> frozenset:
    days = set()
    for text in raw:
        try:
            days.add(dt.datetime.strptime(text.strip(), "%d/%m/%Y").date())
        except ValueError:
            continue
    return frozenset(days)


def holidays() -> frozenset:
    return _holidays(tuple(getattr(settings, "VPDT_HOLIDAYS", ()) or ()))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``days`` = 0: ``start`` itself or the next working day)."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
