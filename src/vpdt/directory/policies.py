"""Who sees and administers directory records (one SQL predicate per model)."""

from django.db.models import Q

from vpdt.core import authz

from .models import Agency, Position, Unit


def _agency_member(scope):
    return scope.own_agency("agency") | scope.administered("agency")


# The agency tree is the deployment's address book: every signed-in person may read it.
authz.register(Agency, view=lambda scope: Q(), manage=lambda scope: scope.administered(""))
authz.register(Unit, view=_agency_member, manage=lambda scope: scope.administered("agency"))
authz.register(Position, view=_agency_member, manage=lambda scope: scope.administered("agency"))
