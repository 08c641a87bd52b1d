"""Who sees what of SMS. One SQL predicate each (see :mod:`vpdt.core.authz`).

* A message (:class:`SmsMessage`): its sender, its recipient and the administrators of its agency (not a province
  administrator); nobody of another agency. ``manage`` (send again a message that failed): those administrators.
* A grant (:class:`SmsGrant`): the person it names and the administrators of its agency, who alone give and
  revoke grants (``manage``).
* A person's mobile number and opt-outs: that person only.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import SmsGrant, SmsMessage, SmsOptOut, SmsProfile


def _own(field: str):
    def predicate(scope) -> Q:
        return Q(**{f"{field}_id": scope.user_id}) if scope.user_id else NOTHING

    return predicate


def _agency_admin(scope) -> Q:
    """The agency's own administrators (a province administrator administers accounts, not messages)."""
    return Q(agency_id__in=sorted(scope.admin_agency_ids)) if scope.admin_agency_ids else NOTHING


def _message_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = _agency_admin(scope)
    if scope.user_id:
        q |= Q(sender_id=scope.user_id) | Q(recipient_id=scope.user_id)
    return q


def _message_manage(scope) -> Q:
    return Q() if scope.is_superuser else _agency_admin(scope)


def _grant_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return scope.administered("agency") | _own("user")(scope)


authz.register(SmsMessage, view=_message_view, manage=_message_manage)
authz.register(SmsGrant, view=_grant_view, manage=lambda s: s.administered("agency"))
authz.register(SmsProfile, view=_own("user"), manage=_own("user"))
authz.register(SmsOptOut, view=_own("user"), manage=_own("user"))
