"""Saved searches belong to their owner only."""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import SavedSearch


def _own(scope) -> Q:
    return Q(user_id=scope.user_id) if scope.user_id else NOTHING


authz.register(SavedSearch, view=_own, manage=_own)
