"""Who sees an outgoing document. One SQL predicate (see :mod:`vpdt.core.authz`).

* The drafter; every reviewer and consulted person of any round; the leaders of the drafting unit.
* The agency's leaders: everything of their agency.
* The agency's clerks: what has reached them — approved, issued and recalled documents of their agency.
* Internal recipients (a unit's members or a person) once the document is issued.
* A recipient agency's clerk sees the issued document it was sent (to register it); after registration the
  incoming copy follows the incoming-document rules.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role

from .models import (Consultation, DeliveryStatus, OutgoingDocument, OutStatus, Recipient, RecipientKind,
                     ReviewStep)

CLERK_STATES = (OutStatus.APPROVED, OutStatus.ISSUED, OutStatus.RECALLED)
PUBLISHED = (OutStatus.ISSUED, OutStatus.RECALLED)


def _view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    people = scope.person_ids  # the user and whoever delegated their authority to them
    q = (Q(drafter_id__in=people)
         | Q(pk__in=ReviewStep.objects.filter(reviewer_id__in=people).values("document_id"))
         | Q(pk__in=Consultation.objects.filter(user_id__in=people).values("step__document_id")))
    if scope.led_unit_ids:
        q |= Q(unit_id__in=list(scope.led_unit_ids))
    if scope.agency_id and scope.has_role(Role.LEADER):
        q |= Q(agency_id=scope.agency_id)
    if scope.agency_id and scope.has_role(Role.CLERK):
        q |= Q(agency_id=scope.agency_id, status__in=CLERK_STATES)
        q |= Q(status__in=PUBLISHED, pk__in=Recipient.objects.filter(
            kind=RecipientKind.AGENCY, agency_id=scope.agency_id).exclude(
            status=DeliveryStatus.PENDING).values("document_id"))
    internal = Q(kind=RecipientKind.USER, user_id=scope.user_id)
    if scope.unit_ids:
        internal |= Q(kind=RecipientKind.UNIT, unit_id__in=list(scope.unit_ids))
    q |= Q(status__in=PUBLISHED, pk__in=Recipient.objects.filter(internal).values("document_id"))
    return q


def _manage(scope) -> Q:
    """Acting as the issuing agency's clerk (numbering, issuing, recall)."""
    if scope.is_superuser:
        return Q()
    if scope.agency_id and scope.has_role(Role.CLERK):
        return Q(agency_id=scope.agency_id)
    return NOTHING


authz.register(OutgoingDocument, view=_view, manage=_manage)
