"""Who sees and who keeps a work dossier. One SQL predicate each (see :mod:`vpdt.core.authz`).

* See: the agency's leaders and clerks, the agency's administrators, the person who keeps it, the
  leaders of its unit, and — unless its access regime is restricted — the members of its unit.
* Keep (edit, file documents, close, reopen): the person who keeps it, the leaders of its unit and the
  agency's clerks. Withdraw a filed document (``withdraw``): the agency's administrators.
* Items (documents in a dossier) are visible with their dossier AND their document: nobody learns a
  document's subject through a dossier without being allowed to open the document. The one exception is
  the agency's own administrators, who alone may withdraw an item (with a journaled reason) and so must
  see what they withdraw; opening the document itself still follows the incoming-document rule.
* An item's content (its files and processing, exported with the dossier) is a part of its own: only for those
  who may read the document (``content``), never through the administrators' exception.
* Province administrators administer accounts, not documents: they see no dossier.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role
from vpdt.incoming.models import DocStatus, IncomingDocument

from .models import Dossier, DossierItem, FileList, Rights


def _agency_admin(scope, agency_field: str) -> Q:
    if not scope.admin_agency_ids:
        return NOTHING
    return Q(**{f"{agency_field}_id__in": list(scope.admin_agency_ids)})


def _view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    scope = scope.within("incoming")  # dossiers hold incoming work: only delegations of that work count
    q = _agency_admin(scope, "agency")
    if scope.agency_id and scope.has_role(Role.LEADER, Role.CLERK):
        q |= Q(agency_id=scope.agency_id)
    if scope.user_id:
        q |= Q(owner_id=scope.user_id)
    if scope.led_unit_ids:
        q |= Q(unit_id__in=list(scope.led_unit_ids))
    if scope.unit_ids:
        q |= Q(unit_id__in=list(scope.unit_ids), rights=Rights.OPEN)
    return q


def _manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    scope = scope.within("incoming")
    q = Q(owner_id=scope.user_id) if scope.user_id else NOTHING
    if scope.led_unit_ids:
        q |= Q(unit_id__in=list(scope.led_unit_ids))
    if scope.agency_id and scope.has_role(Role.CLERK):
        q |= Q(agency_id=scope.agency_id)
    return q


def _readable(scope) -> Q:
    return Q(
        incoming_id__in=IncomingDocument.objects.filter(authz.predicate(IncomingDocument, "view", scope)).values("pk")
    )


def _content_readable(scope) -> Q:
    """Documents whose files may be read: not those withdrawn after the sender's recall."""
    return _readable(scope) & ~Q(incoming__status=DocStatus.WITHDRAWN)


def _item_view(scope) -> Q:
    """An item as listed in its dossier (number, subject, dates)."""
    if scope.is_superuser:
        return Q()
    return Q(dossier_id__in=Dossier.objects.filter(_view(scope)).values("pk")) & (
        _readable(scope) | _agency_admin(scope, "dossier__agency")
    )


def _item_content(scope) -> Q:
    """An item's content — the document's files and processing, as exported with the dossier: only for those who
    may read the document itself (not the administrators who only keep the list in order)."""
    if scope.is_superuser:
        return Q()
    return Q(dossier_id__in=Dossier.objects.filter(_view(scope)).values("pk")) & _content_readable(scope)


def _withdraw(scope, agency_field: str = "agency") -> Q:
    """Withdrawing filed documents: the agency's administrators."""
    return Q() if scope.is_superuser else _agency_admin(scope, agency_field)


authz.register(Dossier, view=_view, manage=_manage, withdraw=_withdraw)
authz.register(DossierItem, view=_item_view, content=_item_content, manage=lambda s: _withdraw(s, "dossier__agency"))
authz.register(
    FileList,
    view=lambda s: s.own_agency("agency") | s.administered("agency"),
    manage=lambda s: s.administered("agency") | (s.own_agency("agency") if s.has_role(Role.CLERK) else NOTHING),
)
