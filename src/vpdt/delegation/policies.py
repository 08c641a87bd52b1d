"""Who sees a delegation: the two people, the agency's leaders, clerks and administrators."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role

from .models import Delegation


def _view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    q = Q(delegator_id=scope.user_id) | Q(delegate_id=scope.user_id)
    if scope.admin_agency_ids:
        q |= Q(agency_id__in=list(scope.admin_agency_ids))
    if scope.agency_id and scope.has_role(Role.LEADER, Role.CLERK):
        q |= Q(agency_id=scope.agency_id)
    return q


def _manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = Q(delegator_id=scope.user_id) if scope.user_id else NOTHING
    if scope.admin_agency_ids:
        q |= Q(agency_id__in=list(scope.admin_agency_ids))
    return q


authz.register(Delegation, view=_view, manage=_manage)
