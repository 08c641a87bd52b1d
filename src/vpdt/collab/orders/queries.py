"""Reading tasks (no changes here: see :mod:`.services`). Every list starts from the tasks the person sees
(:mod:`.policies`); the lists read in deadline order through the (lead, status, deadline) indexes. A list's page
reads its people and units after it (by primary key): joined before the page is cut, the planner may hash the whole
accounts table for twenty rows (it cannot tell how few of the agency's tasks the person's predicate keeps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vpdt.core import work
from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Position

from .models import OPEN_STATUSES, FollowUp, Task, TaskStatus

WAITING_QUEUE = "orders.waiting"
VIEWS = {
    "cua-toi": _("Nhiệm vụ của tôi"),
    "da-giao": _("Nhiệm vụ tôi giao"),
    "don-vi": _("Nhiệm vụ của đơn vị"),
    "phoi-hop": _("Nhiệm vụ phối hợp"),
}
ORDER = ("deadline", "id")
PAGE_RELATED = ("assigner", "lead_user", "lead_unit")


def tasks(user) -> QuerySet:
    return visible(Task, user).select_related("assigner", "lead_user", "lead_unit")


def _led_people(scope):
    return Position.objects.filter(unit_id__in=sorted(scope.led_unit_ids), is_active=True).values("user_id")


def mine(user) -> QuerySet:
    """The tasks the person leads: as the lead person, or as the head of the lead unit."""
    scope = scope_of(user)
    q = Q(lead_user_id=user.pk)
    if scope.led_unit_ids:
        q |= Q(lead_unit_id__in=sorted(scope.led_unit_ids))
    return tasks(user).filter(q)


def assigned_by(user) -> QuerySet:
    return tasks(user).filter(assigner_id=user.pk)


def of_unit(user) -> QuerySet:
    """The tasks of the units the person heads: given to the unit or to one of its people."""
    scope = scope_of(user)
    if not scope.led_unit_ids:
        return Task.objects.none()
    led = sorted(scope.led_unit_ids)
    return tasks(user).filter(Q(lead_unit_id__in=led) | Q(lead_user_id__in=_led_people(scope)))


def cooperating(user) -> QuerySet:
    scope = scope_of(user)
    q = Q(cooperators__user_id=user.pk)
    if scope.unit_ids:
        q |= Q(cooperators__unit_id__in=sorted(scope.unit_ids))
    return tasks(user).filter(pk__in=Task.objects.filter(q).values("pk"))


def listing(user, view: str) -> QuerySet:
    qs = {"cua-toi": mine, "da-giao": assigned_by, "don-vi": of_unit, "phoi-hop": cooperating}[view](user)
    return qs.select_related(None).prefetch_related(*PAGE_RELATED)


def open_only(qs: QuerySet) -> QuerySet:
    return qs.filter(status__in=OPEN_STATUSES)


def waiting(user) -> list[QuerySet]:
    """What waits for the person: tasks they lead still to be done, and results waiting for their evaluation."""
    lead = mine(user).filter(status__in=[TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS])
    review = assigned_by(user).filter(Q(status=TaskStatus.REVIEW) | Q(extension_until__isnull=False))
    return [lead, review]


def followup_counts(task: Task) -> dict[str, int]:
    """How many follow-ups of each kind the task's assignee (lead person or unit) has had, on all their tasks."""
    q = Q(assignee_user_id=task.lead_user_id) if task.lead_user_id else Q(assignee_unit_id=task.lead_unit_id)
    counts = dict(FollowUp.objects.filter(q).values_list("kind").annotate(n=Count("id")).order_by())
    return counts


@dataclass
class Line:
    key: int
    name: str
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0
    followups: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.pending


def summary(
    user, *, by: str = "person", start: dt.date | None = None, end: dt.date | None = None, today=None
) -> list[Line]:
    """Per lead person (``by="person"``) or lead unit (``"unit"``), of the tasks ``user`` sees with a deadline in
    [start, end]: done on time, done late, pending; ``overdue`` the pending ones past their deadline (counted in
    ``pending``, and late when done). The reports use it."""
    today = today or timezone.localdate()
    qs = visible(Task, user)
    if start:
        qs = qs.filter(deadline__gte=start)
    if end:
        qs = qs.filter(deadline__lte=end)
    column = "lead_user" if by == "person" else "lead_unit"
    name = "lead_user__full_name" if by == "person" else "lead_unit__name"
    qs = qs.filter(**{f"{column}__isnull": False})
    done = Q(status=TaskStatus.DONE)
    rows = qs.values(f"{column}_id", name).annotate(
        on_time=Count("id", filter=done & Q(completed_at__date__lte=F("deadline"))),
        done=Count("id", filter=done),
        pending=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    )
    lines = []
    for row in rows.order_by(name):
        lines.append(
            Line(
                key=row[f"{column}_id"],
                name=row[name],
                on_time=row["on_time"],
                late=row["done"] - row["on_time"],
                pending=row["pending"],
                overdue=row["overdue"],
            )
        )
    kind_column = "assignee_user_id" if by == "person" else "assignee_unit_id"
    counts = FollowUp.objects.filter(task__in=qs.values("pk")).values_list(kind_column, "kind").annotate(n=Count("id"))
    by_key = {line.key: line for line in lines}
    for key, kind, n in counts.order_by():
        if key in by_key:
            by_key[key].followups[kind] = n
    return lines


def due(qs: QuerySet, which: str | None) -> QuerySet:
    if which is None:
        return qs
    return work.due_filter(open_only(qs), "deadline", which)
