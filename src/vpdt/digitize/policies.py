"""Who sees digitizations: those of the files of the incoming and outgoing documents the user may see (the
documents' own predicates, composed in one SQL predicate). The clerks of the file's agency and its
administrators manage them ("Số hóa lại")."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role
from vpdt.signing.policies import files_view

from .models import Digitization


def view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return files_view(scope, "file_id") if scope.user_id else NOTHING


def manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    q = scope.administered("file__agency")
    if scope.agency_id and scope.has_role(Role.CLERK):
        q |= Q(file__agency_id=scope.agency_id)
    return q & view(scope)


authz.register(Digitization, view=view, manage=manage)
