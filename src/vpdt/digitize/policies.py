"""Who sees digitizations: those of the files the user may read (:func:`vpdt.storage.access.readable`: an
outgoing draft's text with the drafting record, an issued file's with the issued document, attachments with the
incoming document), and for the clerks of an agency its scans waiting for registration. Clerks and
administrators digitize again ("Số hóa lại") the files of their own agency that they see."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role
from vpdt.storage import access

from .models import Digitization

SCANS = ("digitize.scan", "digitize.scan-discarded")


def scans(scope) -> Q:
    """Scans waiting for registration (and those discarded): the clerks of the scan's agency."""
    if scope.is_superuser:
        return Q(owner_type__in=SCANS)
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return Q(owner_type__in=SCANS, file__agency_id=scope.agency_id)


def view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return (access.readable(scope, "file_id") | scans(scope)) if scope.user_id else NOTHING


def manage(scope) -> Q:
    """Clerks and administrators, on the files they see that belong to their own agency: a delivered file is the
    sender's, and digitizing it again would change the sender's record."""
    if scope.is_superuser:
        return Q()
    if not scope.user_id or not scope.agency_id or not (scope.has_role(Role.CLERK) or scope.is_admin):
        return NOTHING
    return view(scope) & Q(file__agency_id=scope.agency_id)


authz.register(Digitization, view=view, manage=manage, scans=scans)
