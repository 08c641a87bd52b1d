"""Who sees and administers accounts: one's own agency, or the agencies one administers."""

from vpdt.core import authz

from .models import User


def _view(scope):
    return scope.own_agency("agency") | scope.administered("agency")


authz.register(User, view=_view, manage=lambda scope: scope.administered("agency"))
