"""Who sees signing credentials, signature images and trust roots. One SQL predicate each (see
:mod:`vpdt.core.authz`).

* Credentials and images: the agency's administrators and the province administrator above it see all of the
  agency's; a holder sees their own personal certificate and signature image; the agency's clerks see the agency
  certificate and the seal of their own agency. Nobody else, never another agency.
* Verification results: those of the files the user may read (:func:`vpdt.storage.access.readable`: the
  documents' own predicates, composed). Nobody administers them; re-verifying adds a new result.
* Signing sessions: only their own user.
* Trust roots are public information: every signed-in user reads the list; only the province administrators (and
  the superuser) change it (see :func:`vpdt.signing.services.can_manage_trust`).
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING
from vpdt.directory.models import Role
from vpdt.storage import access

from .models import (
    Credential,
    CredentialKind,
    ImageKind,
    SignatureImage,
    SigningSession,
    TrustRoot,
    Verification,
)


def _owned(scope, agency_kind: str) -> Q:
    """Shared by credentials and images: ``agency_kind`` is the kind held by the agency (clerk-visible)."""
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    q = scope.administered("agency") | Q(user_id=scope.user_id)
    if scope.agency_id and scope.has_role(Role.CLERK):
        q |= Q(agency_id=scope.agency_id, kind=agency_kind)
    return q


def _manage(scope) -> Q:
    return scope.administered("agency")


def credential_view(scope) -> Q:
    return _owned(scope, CredentialKind.AGENCY)


def image_view(scope) -> Q:
    return _owned(scope, ImageKind.SEAL)


def trust_view(scope) -> Q:
    return Q() if scope.user_id or scope.is_superuser else NOTHING


def trust_manage(scope) -> Q:
    return Q() if scope.is_superuser or scope.province_path is not None else NOTHING


authz.register(Credential, view=credential_view, manage=_manage)
authz.register(SignatureImage, view=image_view, manage=_manage)
authz.register(TrustRoot, view=trust_view, manage=trust_manage)


def verification_view(scope) -> Q:
    """The checks made for the user's own agency of the files they may read: a sender's and a recipient's checks
    of the same delivered file stay with their own agency."""
    if scope.is_superuser:
        return Q()
    if not scope.user_id:
        return NOTHING
    agencies = set(scope.position_agency_ids) | ({scope.agency_id} if scope.agency_id else set())
    return access.readable(scope) & Q(agency_id__in=sorted(agencies))


def session_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(user_id=scope.user_id) if scope.user_id else NOTHING


authz.register(Verification, view=verification_view, manage=lambda scope: NOTHING)
authz.register(SigningSession, view=session_view, manage=session_view)
