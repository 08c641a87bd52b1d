"""Who sees digitizations: those of the files of the incoming and outgoing documents the user may see (the
documents' own predicates, composed in one SQL predicate), and for the clerks of an agency its scans waiting
for registration. Clerks and administrators manage those they see ("Số hóa lại")."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role
from vpdt.signing.policies import files_view

from .models import Digitization


def _scans(scope) -> Q:
    """Scans waiting for registration (and those discarded): the clerks of the scan's agency."""
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return Q(owner_type__in=["digitize.scan", "digitize.scan-discarded"], file__agency_id=scope.agency_id)


def view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return (files_view(scope, "file_id") | _scans(scope)) if scope.user_id else NOTHING


def manage(scope) -> Q:
    """Clerks and administrators, on the files they see (a delivered file is the sender's StoredFile: the
    recipient's clerks may digitize it again too)."""
    if scope.is_superuser:
        return Q()
    if not scope.user_id or not (scope.has_role(Role.CLERK) or scope.is_admin):
        return NOTHING
    return view(scope)


authz.register(Digitization, view=view, manage=manage)
