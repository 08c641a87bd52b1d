from vpdt.core import authz
from vpdt.directory.models import Role

from .models import JournalEntry


def _view(scope):
    q = scope.administered("agency")
    if scope.has_role(Role.IT_OFFICER):
        q |= scope.own_agency("agency")
    return q


authz.register(JournalEntry, view=_view, manage=_view)
