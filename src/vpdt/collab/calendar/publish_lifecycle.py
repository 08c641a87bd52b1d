"""Publishing the agency's weekly calendar (phát hành lịch công tác tuần) — and who may do it.

A week of an agency is *chưa phát hành* (never published), *đã phát hành* (its latest publication shows what the
calendar holds now) or *có thay đổi chưa phát hành* (entries were approved, changed or cancelled since). Publishing
takes an unpublished or changed week to published, making the next version.

* Whoever keeps the agency's calendar (:func:`.rights.keeps` for the agency's calendar: the office, Văn phòng,
  given the right to keep the agency's calendars, and the agency's leaders) publishes it.

The ``allow`` rule below is the only place deciding who may publish: the service checks it, the screens and the
API offer exactly :func:`available_actions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models

from vpdt.core.authz import scope_of
from vpdt.core.fsm import Machine, Transition

from . import rights
from .models import CalendarKind


class WeekStatus(models.TextChoices):
    UNPUBLISHED = "unpublished", "Chưa phát hành"
    PUBLISHED = "published", "Đã phát hành"
    CHANGED = "changed", "Có thay đổi chưa phát hành"


@dataclass
class WeekState:
    """A week of an agency as the publishing machine reads it: ``latest`` is its newest
    :class:`.published.PublishedWeek` (or None), ``live`` the snapshot the calendar would publish now."""

    agency_id: int
    monday: dt.date
    status: str
    latest: object | None = None
    live: dict = field(default_factory=dict)

    @property
    def live_count(self) -> int:
        return sum(len(h["entries"]) for d in self.live.get("days", []) for h in d["halves"])


def may_publish(agency_id: int, actor) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    return rights.keeps(scope_of(actor), agency_id, CalendarKind.AGENCY, None, None)


def _keeper(week: WeekState, actor) -> str | None:
    if may_publish(week.agency_id, actor):
        return None
    return "Chỉ văn phòng (người quản lý lịch cơ quan) hoặc lãnh đạo cơ quan được phát hành lịch công tác tuần."


def _something(week: WeekState, **_context) -> str | None:
    if week.status == WeekStatus.UNPUBLISHED and week.live_count == 0:
        return "Tuần này chưa có lịch nào đã duyệt để phát hành."
    return None


WEEK = Machine(
    "status",
    [
        Transition(
            "publish",
            {WeekStatus.UNPUBLISHED, WeekStatus.CHANGED},
            WeekStatus.PUBLISHED,
            "Phát hành lịch tuần",
            guard=_something,
            allow=_keeper,
        )
    ],
    action_prefix="calendar.week",
    choices=WeekStatus,
)
ACTIONS = tuple(t.name for t in WEEK.transitions)


def available_actions(user, week: WeekState) -> set[str]:
    """What ``user`` may do with the week now: the button of the publishing page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {name for name in ACTIONS if WEEK.can(week, name, actor=user)}
