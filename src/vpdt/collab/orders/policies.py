"""Who sees a task, one SQL predicate each (see :mod:`vpdt.core.authz`); nobody sees another agency's tasks.

* **Tasks** (``view``): within the task's agency, its assigner, its lead person, the heads of its lead unit (and of
  the unit of its lead person: the unit's tasks), its cooperating people and the members of its cooperating
  units, and the agency's leaders (who may give any task of the agency). What each of them may *do* is the
  machine's (:mod:`.lifecycle`).
* A task's reports, attachments and follow-ups are read by whoever sees the task.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.core.roles import Role
from vpdt.directory.models import Position

from .models import Cooperator, FollowUp, FollowUpDelivery, ProgressReport, Task, TaskFile


def _task_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    own = scope.own_agency()
    if scope.has_role(Role.LEADER):
        return own
    coop = Cooperator.objects.filter(user_id=scope.user_id).values("task_id")
    q = Q(assigner_id=scope.user_id) | Q(lead_user_id=scope.user_id) | Q(pk__in=coop)
    if scope.unit_ids:
        q |= Q(pk__in=Cooperator.objects.filter(unit_id__in=sorted(scope.unit_ids)).values("task_id"))
    if scope.led_unit_ids:
        led = sorted(scope.led_unit_ids)
        people = Position.objects.filter(unit_id__in=led, is_active=True).values("user_id")
        q |= Q(lead_unit_id__in=led) | Q(lead_user_id__in=people)
    return own & q


def _of_task(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(task_id__in=Task.objects.filter(_task_view(scope)).values("pk"))


def _delivery_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(followup_id__in=FollowUp.objects.filter(_of_task(scope)).values("pk"))


authz.register(Task, view=_task_view, manage=_task_view)
authz.register(ProgressReport, view=_of_task, manage=_of_task)
authz.register(TaskFile, view=_of_task, manage=_of_task)
authz.register(FollowUp, view=_of_task, manage=_of_task)
authz.register(FollowUpDelivery, view=_delivery_view, manage=_delivery_view)
