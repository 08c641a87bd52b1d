"""Deadlines: whether a deadline is passed, near or far, one rule for every screen, list and reminder.

“Due soon” means within ``VPDT_DUE_SOON_DAYS`` days (default 2) of today, today included; days are counted on
the calendar in Vietnam local time (``TIME_ZONE``), the day the user sees on the wall.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

LATE = "late"
DUE_SOON = "due_soon"
OK = "ok"


def due_soon_days() -> int:
    return int(getattr(settings, "VPDT_DUE_SOON_DAYS", 2))


def local_today() -> dt.date:
    """Today's date in Vietnam (the deployment's ``TIME_ZONE``, whatever zone a request may have activated)."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def due_soon_horizon(on: dt.date | None = None) -> dt.date:
    """The last date that still counts as “due soon” when seen on ``on`` (default today)."""
    return (on or local_today()) + dt.timedelta(days=due_soon_days())


def due_state(deadline: dt.date | None, *, done: bool = False, today: dt.date | None = None) -> str:
    """``"late"`` (deadline before today), ``"due_soon"`` (today up to today + VPDT_DUE_SOON_DAYS) or ``"ok"``.

    Finished work (``done``) and work without a deadline are always ``"ok"``.
    """
    if done or deadline is None:
        return OK
    on = today or local_today()
    if deadline < on:
        return LATE
    if deadline <= due_soon_horizon(on):
        return DUE_SOON
    return OK
