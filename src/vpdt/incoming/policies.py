"""Who sees an incoming document: its agency's leaders and clerks, the people and units it is assigned to,
and the leaders of those units (SPEC §2). One SQL predicate.

Delegations count as far as they cover incoming documents (``scope.within("incoming")``): a person to whom a
leader delegated only approval (duyệt, ký) does not see the leader's incoming documents."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role

from .models import Assignment, Attachment, DocStatus, IncomingDocument, Register


def _involved(scope):
    # One IN over a UNION ALL, one index each (assignments of the person and of the led units, documents the
    # person leads), not ORs: PostgreSQL cannot use an index for an OR and read every assignment of the province
    # for each unit leader's register (1.6 s at 1,000,000 documents). A distribution (an assignment whose parent
    # is the unit's) belongs to the same document as its parent, so the units' own assignments cover them.
    branches = [
        Assignment.objects.filter(user_id__in=scope.person_ids).values("document_id"),
        IncomingDocument.objects.filter(leader_id__in=scope.person_ids).values("pk"),
    ]
    if scope.led_unit_ids:
        branches.append(Assignment.objects.filter(unit_id__in=list(scope.led_unit_ids)).values("document_id"))
    return branches[0].union(*branches[1:], all=True)


def _view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    scope = scope.within("incoming")
    agency_wide = scope.agency_id and scope.has_role(Role.LEADER, Role.CLERK)
    if agency_wide and scope.within_own_agency:
        # Everything a person can be involved in belongs to the agencies where they hold positions, so for
        # a leader or clerk who holds positions only in their own agency the agency predicate is the whole
        # rule, and an index-friendly one.
        return Q(agency_id=scope.agency_id)
    if not scope.user_id:
        return Q(agency_id=scope.agency_id) if agency_wide else NOTHING
    if agency_wide:  # an OR: a plain IN (a hashed subquery), never a list of ids tested row by row
        return Q(pk__in=_involved(scope)) | Q(agency_id=scope.agency_id)
    return authz.in_ids("pk", _involved(scope))


def _manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.agency_id and scope.has_role(Role.CLERK):
        return Q(agency_id=scope.agency_id)
    return NOTHING


authz.register(IncomingDocument, view=_view, manage=_manage)
authz.register(
    Register,
    view=lambda s: s.own_agency("agency") | s.administered("agency"),
    manage=lambda s: s.administered("agency") | (s.own_agency("agency") if s.has_role(Role.CLERK) else NOTHING),
)


def _assignment_view(scope) -> Q:
    """An assignment is visible with its document."""
    if scope.is_superuser:
        return Q()
    return Q(document_id__in=IncomingDocument.objects.filter(_view(scope)).values("pk"))


def _assignment_manage(scope) -> Q:
    """Acting on an assignment: its assignee, or the leader of the unit it belongs to."""
    if scope.is_superuser:
        return Q()
    scope = scope.within("incoming")
    q = Q(user_id__in=scope.person_ids) if scope.user_id else NOTHING
    if scope.led_unit_ids:
        q |= Q(unit_id__in=list(scope.led_unit_ids)) | Q(parent__unit_id__in=list(scope.led_unit_ids))
    return q


authz.register(Assignment, view=_assignment_view, manage=_assignment_manage)


def _attachment_view(scope) -> Q:
    """A document's files, with the document — except once the sender recalled it and this agency confirmed the
    recall (withdrawn): the register entry and the recall record stay, the content does not."""
    if scope.is_superuser:
        return ~Q(document__status=DocStatus.WITHDRAWN)
    return Q(document_id__in=IncomingDocument.objects.filter(_view(scope)).values("pk")) & ~Q(
        document__status=DocStatus.WITHDRAWN
    )


authz.register(Attachment, view=_attachment_view, manage=lambda scope: NOTHING)
