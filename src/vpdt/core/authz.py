"""Authorization as queryset filters.

A user sees an object because of their agency, unit, role, an assignment, a share or a
delegation. Each model registers ONE policy: a function ``(scope) -> Q`` that becomes a SQL
predicate. Lists, search, API and exports all call :func:`visible` (read) or :func:`manageable`
(administer), so the rule lives in one place. Never check visibility row by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Model, Q, QuerySet

NOTHING = Q(pk__in=[])

_view_policies: dict[type[Model], Callable[["Scope"], Q]] = {}
_manage_policies: dict[type[Model], Callable[["Scope"], Q]] = {}


@dataclass(frozen=True)
class Scope:
    """What a user's visibility depends on, loaded once per request."""

    user_id: int | None
    agency_id: int | None
    roles: frozenset[str] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    led_unit_ids: frozenset[int] = frozenset()
    admin_agency_ids: frozenset[int] = frozenset()
    position_agency_ids: frozenset[int] = frozenset()  # agencies where the user holds any active position
    province_path: str | None = None  # tree path of the province a province admin manages
    acting_for: frozenset[int] = frozenset()  # people who delegated their authority to this user, now
    is_superuser: bool = False
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def person_ids(self) -> list[int]:
        """The user and everyone they act for under a delegation: "assigned to me" means any of these."""
        return [self.user_id, *sorted(self.acting_for)] if self.user_id else []

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.admin_agency_ids) or self.province_path is not None

    def administered(self, agency_field: str = "agency") -> Q:
        """Predicate: the object's agency is one this user administers."""
        if self.is_superuser:
            return Q()
        prefix = f"{agency_field}__" if agency_field else ""
        q = NOTHING
        if self.admin_agency_ids:
            q |= Q(**{f"{prefix}pk__in": list(self.admin_agency_ids)})
        if self.province_path:
            q |= Q(**{f"{prefix}path__startswith": self.province_path})
        return q

    def own_agency(self, agency_field: str = "agency") -> Q:
        if self.agency_id is None:
            return NOTHING
        return Q(**{f"{agency_field}_id" if agency_field else "pk": self.agency_id})


ANONYMOUS = Scope(user_id=None, agency_id=None)


def scope_of(user) -> Scope:
    """Build (and cache on the user object) the user's scope."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_vpdt_scope", None)
    if cached is not None:
        return cached
    from vpdt.directory.services import build_scope

    scope = build_scope(user)
    user._vpdt_scope = scope
    return scope


def register(model: type[Model], *, view=None, manage=None):
    if view is not None:
        _view_policies[model] = view
    if manage is not None:
        _manage_policies[model] = manage


def _apply(policies, qs_or_model, user) -> QuerySet:
    qs = qs_or_model._default_manager.all() if isinstance(qs_or_model, type) else qs_or_model
    policy = policies.get(qs.model)
    if policy is None:
        raise LookupError(f"Chưa khai báo quy tắc phân quyền cho {qs.model.__name__}")
    scope = scope_of(user)
    if scope is ANONYMOUS:
        return qs.none()
    return qs.filter(policy(scope))


def visible(qs_or_model, user) -> QuerySet:
    """Objects ``user`` may see."""
    return _apply(_view_policies, qs_or_model, user)


def manageable(qs_or_model, user) -> QuerySet:
    """Objects ``user`` may administer (a subset of what they see)."""
    return _apply(_manage_policies, qs_or_model, user)
