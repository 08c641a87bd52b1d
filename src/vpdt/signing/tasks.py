"""Daily warnings about signing certificates that are about to expire or have expired (SPEC §6: warn 30 days
ahead). Each certificate is announced once per threshold (30 days ahead, then at expiry), remembered through the
journal entry ``signing.credential.expiry`` — never every day."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from . import services
from .models import Credential, CredentialKind

ACTION = "signing.credential.expiry"
EXPIRED, SOON = 0, services.EXPIRY_WARNING_DAYS
# who hears about the agency's certificate: its clerks and administrators (a province administrator is the
# administrator of the agency they sit in)
AGENCY_KEEPERS = [Role.CLERK, Role.ADMIN, Role.PROVINCE_ADMIN]


def recipients(credential: Credential) -> list[User]:
    """The holder of a personal certificate; the clerks and administrators of the agency for the agency's."""
    if credential.kind == CredentialKind.PERSONAL:
        return [credential.user] if credential.user and credential.user.is_active else []
    return list(
        User.objects.filter(
            positions__agency_id=credential.agency_id,
            positions__is_active=True,
            positions__role__in=AGENCY_KEEPERS,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def message(credential: Credential, threshold: int) -> str:
    what = (
        "Chứng thư số cá nhân"
        if credential.kind == CredentialKind.PERSONAL
        else f"Chứng thư số của {credential.agency.name}"
    )
    day = f"{timezone.localtime(credential.not_after):%d/%m/%Y}"
    if threshold == EXPIRED:
        return (
            f"{what} “{credential.common_name}” (số hiệu {credential.serial}) đã hết hạn ngày {day}: không ký "
            f"số được bằng chứng thư này. Đề nghị đăng ký chứng thư số mới."
        )
    left = max((timezone.localtime(credential.not_after).date() - timezone.localdate()).days, 0)
    return (
        f"{what} “{credential.common_name}” (số hiệu {credential.serial}) sẽ hết hạn ngày {day} (còn {left} "
        f"ngày). Đề nghị gia hạn và đăng ký chứng thư số mới trước ngày hết hạn."
    )


def superseded(credential: Credential) -> bool:
    """A newer active certificate for the same holder (person, or agency) stays valid beyond the warning period:
    nothing to warn about."""
    later = timezone.now() + dt.timedelta(days=services.EXPIRY_WARNING_DAYS)
    same = Credential.objects.filter(
        kind=credential.kind, agency_id=credential.agency_id, is_active=True, not_after__gt=later
    ).exclude(pk=credential.pk)
    if credential.kind == CredentialKind.PERSONAL:
        same = same.filter(user_id=credential.user_id)
    return same.exists()


def warnings_for(user) -> list[Credential]:
    """Home banner: the user's own personal certificates, and for clerks and administrators their agency's
    certificate, that expire within 30 days or have expired (and are not replaced yet)."""
    from vpdt.core.authz import scope_of

    scope = scope_of(user)
    q = Q(kind=CredentialKind.PERSONAL, user_id=user.pk)
    agencies = set(scope.admin_agency_ids)
    if scope.agency_id and (scope.has_role(*AGENCY_KEEPERS) or scope.agency_id in agencies):
        agencies.add(scope.agency_id)
    if agencies:
        q |= Q(kind=CredentialKind.AGENCY, agency_id__in=sorted(agencies))
    rows = services.expiring(Credential.objects.filter(q)).select_related("agency").order_by("not_after", "id")[:10]
    return [c for c in rows if not superseded(c)]


def _announced(credential: Credential, threshold: int) -> bool:
    return JournalEntry.objects.filter(
        action=ACTION,
        object_type=Credential._meta.label_lower,
        object_id=str(credential.pk),
        details__threshold=threshold,
    ).exists()


def warn_expiring() -> int:
    """Notify about every active certificate expiring within 30 days or expired, once per threshold. Returns
    the number of certificates announced."""
    now, count = timezone.now(), 0
    for credential in services.expiring(Credential.objects.select_related("agency", "user")).order_by("id"):
        threshold = EXPIRED if credential.not_after <= now else SOON
        if _announced(credential, threshold) or superseded(credential):
            continue
        people = recipients(credential)
        with transaction.atomic():
            notify(
                people,
                "signing.credential_expiry",
                text=message(credential, threshold),
                topic=topics.REMINDER,
                target=credential,
            )
            journal.record(
                ACTION,
                actor=None,
                obj=credential,
                agency=credential.agency,
                details={
                    "threshold": threshold,
                    "not_after": credential.not_after.isoformat(),
                    "notified": [u.pk for u in people],
                },
            )
        count += 1
    return count


@shared_task(name="vpdt.signing.tasks.certificate_expiry")
def certificate_expiry() -> int:
    """Daily: warn holders, clerks and administrators about expiring or expired signing certificates."""
    return warn_expiring()


# Celery autodiscovery only imports ``tasks`` modules: make the verification task known to the worker.
from .tasks_verify import verify_files  # noqa: E402, F401
