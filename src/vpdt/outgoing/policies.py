"""Who sees what of an outgoing document. An outgoing document has two parts, each with its own SQL predicate
(see :mod:`vpdt.core.authz`):

* ``record`` — the drafting record: drafts, versions, differences, comments, review steps, consultations, the
  trail and the delivery statuses. It stays inside the issuing agency, with:
  the drafter, every reviewer and consulted person of any round, the leaders of the drafting unit, the agency's
  leaders, and the agency's clerks for what reaches them (approved, issued and recalled documents). A delegate
  for approval (ủy quyền duyệt, ký) stands in for the delegator while the delegation lasts.
* ``published`` — the issued document: its published metadata and the issued files (``OutgoingFile.published``).
  Inside the issuing agency: everyone who sees the record, and the internal recipients (a recipient unit's
  members, a recipient person). A recipient agency never reads the sender's document: it reads what was
  delivered to it — its delivery (:class:`Recipient`, ``delivered``) before registration, then its own incoming
  copy, which follows the incoming-document rules.

``view`` is either part (the detail page shows what the viewer may see of each). Files follow their part: a file
of the drafting record with the record, an issued file with the published document.

A delivery row (:class:`Recipient` of an agency) is seen by those who see the sender's record, and by the
recipient agency's clerks for their own agency only. A recalled or refused delivery keeps only that row (the
recall record) visible to the recipient; the delivered document and its files are readable while the delivery
waits for reception (``delivered``).
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role

from .models import (
    Consultation,
    DeliveryStatus,
    OutgoingDocument,
    OutgoingFile,
    OutStatus,
    Recipient,
    RecipientKind,
    ReviewStep,
)

CLERK_STATES = (OutStatus.APPROVED, OutStatus.ISSUED, OutStatus.RECALLED)
PUBLISHED = (OutStatus.ISSUED, OutStatus.RECALLED)
RECEIVABLE = (DeliveryStatus.ARRIVED,)


def _mine(scope) -> list:
    """The documents the person (and whoever delegated approval to them) works on, one indexed query each."""
    people = scope.person_ids
    mine = [
        OutgoingDocument.objects.filter(drafter_id__in=people).values("pk"),
        ReviewStep.objects.filter(reviewer_id__in=people).order_by().values("document_id"),
        Consultation.objects.filter(user_id__in=people).order_by().values("step__document_id"),
    ]
    if scope.led_unit_ids:
        mine.append(OutgoingDocument.objects.filter(unit_id__in=list(scope.led_unit_ids)).values("pk"))
    return mine


def record(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    scope = scope.within("approval")
    people = scope.person_ids  # the user and whoever delegated approval to them
    leader = scope.agency_id and scope.has_role(Role.LEADER)
    clerk = scope.agency_id and scope.has_role(Role.CLERK)
    own = scope.within_own_agency
    if leader and own:
        return Q(agency_id=scope.agency_id)  # what such a leader works on is their agency's, which they see whole
    if own and not clerk:
        # Only the person's own work: one list of ids that walks the primary key (authz.in_ids).
        mine = _mine(scope)
        return authz.in_ids("pk", mine[0].union(*mine[1:], all=True))
    q = (
        Q(drafter_id__in=people)
        | Q(pk__in=ReviewStep.objects.filter(reviewer_id__in=people).values("document_id"))
        | Q(pk__in=Consultation.objects.filter(user_id__in=people).values("step__document_id"))
    )
    if scope.led_unit_ids:
        q |= Q(unit_id__in=list(scope.led_unit_ids))
    if leader:
        q |= Q(agency_id=scope.agency_id)
    if clerk:
        q |= Q(agency_id=scope.agency_id, status__in=CLERK_STATES)
    if own:
        q = Q(agency_id=scope.agency_id) & q  # a clerk's lists walk the agency's documents, not the province's
    return q


def _recipient_ids(scope):
    internal = Q(kind=RecipientKind.USER, user_id=scope.user_id)
    if scope.unit_ids:
        internal |= Q(kind=RecipientKind.UNIT, unit_id__in=list(scope.unit_ids))
    return Recipient.objects.filter(internal).values("document_id")


def _sent(scope) -> list:
    """The issued documents sent to the person and to each of their units, one indexed query each."""
    sent = Recipient.objects.filter(document__status__in=PUBLISHED).order_by()
    branches = [sent.filter(kind=RecipientKind.USER, user_id=scope.user_id).values("document_id")]
    branches += [sent.filter(kind=RecipientKind.UNIT, unit_id=unit).values("document_id") for unit in scope.unit_ids]
    return branches


def _internal_recipient(scope) -> Q:
    """Issued documents sent to the user or to one of their units inside the issuing agency."""
    if not scope.user_id:
        return NOTHING
    return Q(status__in=PUBLISHED, pk__in=_recipient_ids(scope))


def published(scope) -> Q:
    if scope.is_superuser:
        return Q(status__in=PUBLISHED)
    return Q(status__in=PUBLISHED) & view(scope)  # (view: the record or the internal recipient's part)


def published_only(scope) -> Q:
    """Issued documents of which the user sees the published part but not the record (internal recipients)."""
    if scope.is_superuser:
        return NOTHING
    narrowed = scope.within("approval")
    if scope.within_own_agency and narrowed.has_role(Role.LEADER, Role.CLERK):
        # Their own agency's issued documents are all in their record (the leader's whole agency, the clerk's
        # issued and recalled documents), and they are sent nothing of another agency's as an internal recipient.
        return NOTHING
    # Led by the ids sent to the person (a short list, authz.in_ids), each tested against the record as a plain
    # subquery hashed once (authz.as_subqueries), not an id list scanned for each row; nor the whole table scanned.
    return authz.in_ids("pk", _recipient_ids(scope)) & Q(status__in=PUBLISHED) & ~authz.as_subqueries(record(scope))


def view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    narrowed = scope.within("approval")
    if scope.user_id and scope.within_own_agency:  # (scope holds every delegation: it covers ``narrowed``)
        if narrowed.has_role(Role.LEADER):
            return Q(agency_id=scope.agency_id)
        if not narrowed.has_role(Role.CLERK):
            # Staff and unit leaders: their work and what was sent to them, one list of ids (authz.in_ids).
            mine = _mine(narrowed)
            mine += _sent(scope)
            return authz.in_ids("pk", mine[0].union(*mine[1:], all=True))
        return Q(agency_id=scope.agency_id) & (record(scope) | _internal_recipient(scope))
    return record(scope) | _internal_recipient(scope)


def manage(scope) -> Q:
    """Acting as the issuing agency's clerk (numbering, issuing, recall)."""
    if scope.is_superuser:
        return Q()
    if scope.agency_id and scope.has_role(Role.CLERK):
        return Q(agency_id=scope.agency_id)
    return NOTHING


authz.register(
    OutgoingDocument, view=view, manage=manage, record=record, published=published, published_only=published_only
)


# --------------------------------------------------------------------------------------------------- deliveries


def _recipient_clerk(scope) -> Q:
    if not (scope.agency_id and scope.has_role(Role.CLERK)):
        return NOTHING
    return Q(kind=RecipientKind.AGENCY, agency_id=scope.agency_id) & ~Q(status=DeliveryStatus.PENDING)


def delivery_view(scope) -> Q:
    if scope.is_superuser:
        return Q(kind=RecipientKind.AGENCY)
    sender = Q(kind=RecipientKind.AGENCY, document__in=OutgoingDocument.objects.filter(record(scope)).values("pk"))
    return sender | _recipient_clerk(scope)


def delivered(scope) -> Q:
    """Deliveries whose document the recipient clerk may read now: arrived, not yet received, not recalled."""
    if scope.is_superuser:
        return Q(kind=RecipientKind.AGENCY, status__in=RECEIVABLE, document__status=OutStatus.ISSUED)
    return _recipient_clerk(scope) & Q(status__in=RECEIVABLE, document__status=OutStatus.ISSUED)


def delivery_manage(scope) -> Q:
    """Acting as the recipient agency's clerk: receive, refuse, confirm a recall."""
    return Q(kind=RecipientKind.AGENCY) if scope.is_superuser else _recipient_clerk(scope)


authz.register(Recipient, view=delivery_view, manage=delivery_manage, delivered=delivered)


# -------------------------------------------------------------------------------------------------------- files


def file_view(scope) -> Q:
    """A file of the drafting record with the record; an issued file with the published document."""
    if scope.is_superuser:
        return Q()
    return Q(document__in=OutgoingDocument.objects.filter(record(scope)).values("pk")) | Q(
        published=True, document__in=OutgoingDocument.objects.filter(_internal_recipient(scope)).values("pk")
    )


def file_delivered(scope) -> Q:
    """Issued files of the deliveries the recipient clerk may read now."""
    return Q(published=True, document__in=Recipient.objects.filter(delivered(scope)).values("document_id"))


authz.register(OutgoingFile, view=file_view, manage=lambda scope: NOTHING, delivered=file_delivered)
