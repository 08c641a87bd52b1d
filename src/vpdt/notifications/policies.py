"""A person's notifications and preferences are theirs alone (not even an administrator reads them)."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import Notification, Preference, PushSubscription


def _own(scope) -> Q:
    return Q(user_id=scope.user_id) if scope.user_id else NOTHING


authz.register(Notification, view=_own, manage=_own)
authz.register(Preference, view=_own, manage=_own)
authz.register(PushSubscription, view=_own, manage=_own)
