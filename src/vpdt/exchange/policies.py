"""Who sees the exchange's messages: one SQL predicate per purpose (see :mod:`vpdt.core.authz`).

* A message concerns one agency of the deployment (``agency``: the recipient of what arrived, the sender of what
  leaves). Its clerks and leaders see it; its clerks act on what arrived (register or refuse).
* What a hub only passes on (no agency) is seen by the superuser alone, on the administrators' screens.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.core.roles import Role

from .models import Direction, Message, MessageState, MessageType


def view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not (scope.agency_id and scope.has_role(Role.CLERK, Role.LEADER)):
        return NOTHING
    return Q(agency_id=scope.agency_id)


def arrived(scope) -> Q:
    """Documents from other systems waiting for this clerk's agency to register or refuse them."""
    waiting = Q(direction=Direction.IN, kind=MessageType.EDOC, state=MessageState.RECEIVED, business_type__in=[0, 2, 3])
    if scope.is_superuser:
        return waiting & Q(agency__isnull=False)
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return waiting & Q(agency_id=scope.agency_id)


def recalled(scope) -> Q:
    """Recalls of registered documents waiting for this clerk's agency to confirm or refuse."""
    waiting = Q(
        direction=Direction.IN,
        kind=MessageType.EDOC,
        state=MessageState.RECEIVED,
        business_type=1,
        incoming_id__isnull=False,
    )
    if scope.is_superuser:
        return waiting & Q(agency__isnull=False)
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return waiting & Q(agency_id=scope.agency_id)


def resend(scope) -> Q:
    """Messages the clerk of the sending agency may send again: those that could not be sent."""
    failed = Q(direction=Direction.OUT, state__in=[MessageState.DEAD, MessageState.RETRYING])
    if scope.is_superuser:
        return failed
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return failed & Q(agency_id=scope.agency_id)


authz.register(Message, view=view, manage=arrived, arrived=arrived, recalled=recalled, resend=resend)
