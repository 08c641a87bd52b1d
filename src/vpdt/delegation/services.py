"""Delegation: create, revoke, expire, and "whom does this person act for right now?".

Rules:
* The delegator delegates their own authority (or an administrator of the agency records it for them);
  both people belong to the same agency; the period has an end; the delegate is told, and so are the
  delegator and the agency's leaders and clerks.
* Not transitive: authority held by delegation is never passed on (TUQ cannot be sub-delegated). A delegate
  who creates a delegation delegates only their own authority.
* Active from ``starts_on`` to the end of ``ends_on`` (Vietnam time), unless revoked. It expires on its own;
  a daily job tells everyone affected and journals the expiry.
* Administrative roles (system administration) are never delegated.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.directory import members
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from .models import Delegation, DelegationScope

MAX_DAYS = 366
SCOPES_FOR = {
    DelegationScope.INCOMING: (DelegationScope.ALL, DelegationScope.INCOMING),
    DelegationScope.APPROVAL: (DelegationScope.ALL, DelegationScope.APPROVAL),
    DelegationScope.ALL: (DelegationScope.ALL, DelegationScope.INCOMING, DelegationScope.APPROVAL),
}
NOT_DELEGATED_ROLES = (Role.ADMIN, Role.PROVINCE_ADMIN, Role.IT_OFFICER)


def active_q(on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


def active() -> QuerySet:
    return Delegation.objects.filter(active_q())


def delegator_ids(user, scope: str = DelegationScope.ALL, on: dt.date | None = None) -> list[int]:
    """The people ``user`` may act for now, in ``scope`` (never transitively)."""
    if user is None or not getattr(user, "pk", None):
        return []
    return list(
        Delegation.objects.filter(active_q(on), delegate_id=user.pk, scope__in=SCOPES_FOR[scope])
        .values_list("delegator_id", flat=True)
        .distinct()
    )


KINDS = (DelegationScope.INCOMING, DelegationScope.APPROVAL)


def delegations_of(user, on: dt.date | None = None) -> dict[int, set[str]]:
    """Whom ``user`` acts for now, each with the kinds of work delegated ("incoming", "approval")."""
    found: dict[int, set[str]] = {}
    if user is None or not getattr(user, "pk", None):
        return found
    for delegator, scope in Delegation.objects.filter(active_q(on), delegate_id=user.pk).values_list(
        "delegator_id", "scope"
    ):
        found.setdefault(delegator, set()).update(k for k in KINDS if scope in SCOPES_FOR[k])
    return found


def principal(actor, user_id: int | None, scope: str) -> User | None:
    """When ``actor`` acts for ``user_id`` under an active delegation, the delegator; else None."""
    if user_id is None or actor is None or user_id == actor.pk:
        return None
    if user_id in delegator_ids(actor, scope):
        return User.objects.get(pk=user_id)
    return None


def _affected(delegation: Delegation) -> list[User]:
    leaders_and_clerks = User.objects.filter(
        positions__agency_id=delegation.agency_id,
        positions__is_active=True,
        positions__role__in=[Role.LEADER, Role.CLERK],
        is_active=True,
    )
    people = {u.pk: u for u in leaders_and_clerks.distinct()}
    people[delegation.delegator_id] = delegation.delegator
    people[delegation.delegate_id] = delegation.delegate
    return list(people.values())


def _tell(delegation: Delegation, verb: str, text: str) -> None:
    notify(_affected(delegation), verb, text=text, topic=topics.NEWS, target=delegation, url_name="delegation:list")


def _describe(d: Delegation) -> str:
    return (
        f"{d.delegator.full_name} ủy quyền cho {d.delegate.full_name} ({d.get_scope_display().lower()}) "
        f"từ {d.starts_on:%d/%m/%Y} đến hết {d.ends_on:%d/%m/%Y}"
    )


def create(
    actor,
    *,
    delegator: User,
    delegate: User,
    scope: str = DelegationScope.ALL,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    reference: str = "",
) -> Delegation:
    actor_scope = scope_of(actor)
    if (
        delegator.pk != actor.pk
        and delegator.agency_id not in actor_scope.admin_agency_ids
        and not actor_scope.is_superuser
    ):
        raise PermissionDenied("Bạn chỉ ủy quyền phần việc của chính mình (quản trị cơ quan có thể ghi nhận thay).")
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Lý do ủy quyền là bắt buộc."
    elif len(reason) > 500:
        errors["reason"] = "Lý do tối đa 500 ký tự."
    if len(reference or "") > 100:
        errors["reference"] = "Số, ký hiệu văn bản ủy quyền tối đa 100 ký tự."
    if scope not in DelegationScope.values:
        errors["scope"] = "Phạm vi ủy quyền không hợp lệ."
    if delegate.pk == delegator.pk:
        errors["delegate"] = "Không ủy quyền cho chính mình."
    elif not members.is_member(delegator, delegator.agency_id):
        errors["delegator"] = "Người ủy quyền phải đang giữ chức vụ tại cơ quan (tài khoản đang hoạt động)."
    elif not delegate.is_active:
        errors["delegate"] = "Tài khoản người được ủy quyền không hoạt động."
    elif not members.is_member(delegate, delegator.agency_id):
        errors["delegate"] = "Người được ủy quyền phải đang công tác cùng cơ quan với người ủy quyền."
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = "“Đến ngày” phải sau hoặc bằng “Từ ngày”."
        elif (ends_on - starts_on).days > MAX_DAYS:
            errors["ends_on"] = "Thời hạn ủy quyền tối đa 12 tháng."
        elif ends_on < timezone.localdate():
            errors["ends_on"] = "Thời hạn ủy quyền đã qua."
    else:
        errors["ends_on"] = "Ủy quyền phải có thời hạn (từ ngày, đến ngày)."
    if errors:
        raise ValidationError(errors)
    overlapping = Delegation.objects.filter(
        delegator=delegator,
        revoked_at__isnull=True,
        scope__in=SCOPES_FOR[scope],
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).exclude(delegate=delegate)
    if overlapping.exists():
        raise ValidationError({"delegate": "Trong thời gian này đã có ủy quyền cùng phạm vi cho người khác."})
    with transaction.atomic():
        delegation = Delegation.objects.create(
            agency_id=delegator.agency_id,
            delegator=delegator,
            delegate=delegate,
            scope=scope,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            reference=(reference or "").strip(),
            created_by=actor,
        )
        journal.record(
            "delegation.create",
            actor=actor,
            obj=delegation,
            agency=delegation.agency_id,
            details={
                "delegator": delegator.pk,
                "delegate": delegate.pk,
                "scope": scope,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "reason": reason,
            },
        )
        _tell(delegation, "delegation.created", _describe(delegation) + f". Lý do: {reason}")
    return delegation


def revoke(actor, delegation: Delegation, reason: str = "") -> Delegation:
    actor_scope = scope_of(actor)
    if (
        actor.pk != delegation.delegator_id
        and delegation.agency_id not in actor_scope.admin_agency_ids
        and not actor_scope.is_superuser
    ):
        raise PermissionDenied("Chỉ người ủy quyền (hoặc quản trị cơ quan) được thu hồi ủy quyền.")
    with transaction.atomic():
        locked = Delegation.objects.select_for_update(of=("self",)).get(pk=delegation.pk)
        if locked.revoked_at is not None:
            raise ValidationError("Ủy quyền đã được thu hồi.")
        if locked.ends_on < timezone.localdate():
            raise ValidationError("Ủy quyền đã hết hạn.")
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.revoke_reason = (reason or "").strip()[:500]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        journal.record(
            "delegation.revoke",
            actor=actor,
            obj=locked,
            agency=locked.agency_id,
            details={"reason": locked.revoke_reason},
        )
        _tell(locked, "delegation.revoked", "Đã thu hồi: " + _describe(locked))
    return locked


def notify_expired(today: dt.date | None = None) -> int:
    """Daily: delegations that ended yesterday or earlier and were not yet announced as expired."""
    today = today or timezone.localdate()
    count = 0
    for delegation in Delegation.objects.filter(
        ends_on__lt=today, expiry_notified=False, revoked_at__isnull=True
    ).select_related("delegator", "delegate"):
        with transaction.atomic():
            Delegation.objects.filter(pk=delegation.pk).update(expiry_notified=True)
            journal.record(
                "delegation.expire",
                actor=None,
                obj=delegation,
                agency=delegation.agency_id,
                details={"ends_on": delegation.ends_on.isoformat()},
            )
            _tell(delegation, "delegation.expired", "Hết hạn: " + _describe(delegation))
        count += 1
    return count


def acting(scope: str, principal_id_of):
    """Decorator for service functions ``f(actor, obj, ...)``: when the actor acts for someone else under a
    delegation (``principal_id_of(actor, obj, ...)`` returns that person's id), the journal entries written
    inside record "on behalf of" them."""

    def decorate(func):
        @wraps(func)
        def wrapper(actor, *args, **kwargs):
            principal_user = principal(actor, principal_id_of(actor, *args, **kwargs), scope)
            if principal_user is None:
                return func(actor, *args, **kwargs)
            with journal.on_behalf(principal_user):
                return func(actor, *args, **kwargs)

        return wrapper

    return decorate
